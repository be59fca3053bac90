#!/usr/bin/env bash
# --trace x.jsonl.zst through the real binary: the file is zstd data that
# the zstd tool (Debian package zstd) decompresses to the run's JSON Lines,
# and `concviz replay` reads it as it reads those; a .zst that is corrupt,
# cut short or not zstd at all is refused with one line saying so and
# status 2, promptly; a refused run leaves no .zst.
set -u
BIN=${1:?usage: trace_zst_test.sh path/to/concviz}
TMP=$(mktemp -d)
. "$(dirname "$0")/testlib.sh"

if ! command -v zstd >/dev/null; then
    echo "zstd (the Debian package zstd) is not installed"
    exit 1
fi

"$BIN" stress --futures 2000 --workers 2 --headless --trace "$TMP/run.jsonl.zst" >/dev/null
check "--trace x.jsonl.zst exits 0 and writes the file" test -s "$TMP/run.jsonl.zst"
check "zstd -t finds the file whole" zstd -q -t "$TMP/run.jsonl.zst"
zstd -q -d -c "$TMP/run.jsonl.zst" >"$TMP/run.jsonl"
check "it decompresses to JSON Lines" grep -q '^{"seq":0,"t":0.000000,"kind":"header","program":"concviz"' "$TMP/run.jsonl"
check "with every future's end" test "$(grep -c '"kind":"future".*"state":"finished"' "$TMP/run.jsonl")" -eq 2000
# Replayed, the .zst and what zstd made of it print the same.
if "$BIN" replay "$TMP/run.jsonl.zst" >"$TMP/replay" 2>"$TMP/err"; then ok; else
    bad "replay of the .zst failed:"; cat "$TMP/err"
fi
"$BIN" replay "$TMP/run.jsonl" >"$TMP/replay-plain" 2>&1
check "replay prints the run's console lines" grep -q "Submitting 2000 no-op futures to 2 workers." "$TMP/replay"
check "the same as replaying the decompressed file" cmp -s "$TMP/replay" "$TMP/replay-plain"

# expect_refused "description" path fragment
expect_refused() {
    timeout 20 "$BIN" replay "$2" >"$TMP/out" 2>"$TMP/err" </dev/null
    local rc=$?
    if [ "$rc" -ne 2 ]; then bad "$1: exit $rc, want 2"; return; fi
    if [ "$(wc -l <"$TMP/err")" -ne 1 ]; then bad "$1: not one line on stderr:"; cat "$TMP/err"; return; fi
    if ! grep -qF -- "$3" "$TMP/err"; then bad "$1: stderr lacks '$3':"; cat "$TMP/err"; return; fi
    ok
}

size=$(stat -c %s "$TMP/run.jsonl.zst")
head -c $((size / 2)) "$TMP/run.jsonl.zst" >"$TMP/cut.jsonl.zst"
expect_refused "a .zst cut in half" "$TMP/cut.jsonl.zst" "truncated zstd data"
head -c 5 "$TMP/run.jsonl.zst" >"$TMP/cut5.jsonl.zst"
expect_refused "a .zst cut in its header" "$TMP/cut5.jsonl.zst" "truncated zstd data"
cp "$TMP/run.jsonl.zst" "$TMP/sum.jsonl.zst"
printf '\x00\x00\x00\x00' | dd of="$TMP/sum.jsonl.zst" bs=1 seek=$((size - 4)) conv=notrunc 2>/dev/null
expect_refused "a .zst with a wrong checksum" "$TMP/sum.jsonl.zst" "corrupt zstd data"
cp "$TMP/run.jsonl" "$TMP/text.jsonl.zst"
expect_refused "JSON Lines named .zst" "$TMP/text.jsonl.zst" "not zstd data"
head -c 100000 /dev/zero | zstd -q -c >"$TMP/zeros.jsonl.zst"
expect_refused "zstd of NULs" "$TMP/zeros.jsonl.zst" "line 1: "

# A run refused before it starts leaves no trace, compressed or not.
"$BIN" stress --workers 0 --headless --trace "$TMP/no.jsonl.zst" >/dev/null 2>&1
check "a refused run leaves no .zst" test ! -e "$TMP/no.jsonl.zst"

summary
