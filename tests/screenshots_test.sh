#!/usr/bin/env bash
# Golden screens, as tmux's regress/ compares capture-pane output: every
# README screenshot is rendered again from its recorded trace
# (screenshots/traces/) and must equal the committed file byte for byte.
# A change to what the views draw fails here; if it was meant, regenerate
# with `make screenshots` and commit the new images with the change.
# Also: replay --screenshot refuses bad input like a scenario does.
set -u
BIN=${1:?usage: screenshots_test.sh path/to/concviz}
TMP=$(mktemp -d)
. "$(dirname "$0")/testlib.sh"
SHOTS=$(cd "$(dirname "$0")/../screenshots" && pwd)

if ! "$BIN" replay --help | grep -q -- '--screenshot'; then
    echo "this build has no UI: golden screens skipped"
    summary
    exit
fi

check "make.sh renders every moment from the traces" \
    bash "$SHOTS/make.sh" "$BIN" "$TMP/out" --traces "$SHOTS/traces" >"$TMP/make.log" 2>&1
n=0
for golden in "$SHOTS"/*.txt "$SHOTS"/*.svg; do
    name=$(basename "$golden")
    n=$((n + 1))
    if [ ! -f "$TMP/out/$name" ]; then
        bad "$name: not rendered by make.sh"
    elif cmp -s "$golden" "$TMP/out/$name"; then
        ok
    else
        bad "$name differs from the golden file:"
        diff "$golden" "$TMP/out/$name" | head -20
    fi
done
check "there are golden screens to compare ($n)" test "$n" -ge 14

# The same run renders the same screen twice (no clock, no address, no
# randomness between the trace and the file).
T="$SHOTS/traces/loiter.jsonl"
"$BIN" replay "$T" --screenshot "$TMP/a.txt" --at 0.2 --size 80x24
"$BIN" replay "$T" --screenshot "$TMP/b.txt" --at 0.2 --size 80x24
check "a replayed screenshot is reproducible" cmp -s "$TMP/a.txt" "$TMP/b.txt"
check "the screenshot is 24 rows" test "$(wc -l <"$TMP/a.txt")" -eq 24

# Bad input: one line on stderr, status 2, no file written.
expect_refusal() {
    local what=$1
    shift
    "$BIN" replay "$@" >"$TMP/o" 2>"$TMP/e"
    local rc=$?
    if [ "$rc" -ne 2 ] || [ "$(wc -l <"$TMP/e")" -ne 1 ] || ls "$TMP"/bad.* >/dev/null 2>&1; then
        bad "$what: exit $rc, stderr: $(cat "$TMP/e")"
    else
        ok
    fi
}
expect_refusal "--at without --screenshot" "$T" --at 1
expect_refusal "--screenshot without --at" "$T" --screenshot "$TMP/bad.txt"
expect_refusal "a screenshot that is not .txt or .svg" "$T" --screenshot "$TMP/bad.png" --at 1
expect_refusal "a size out of range" "$T" --screenshot "$TMP/bad.txt" --at 1 --size 5x5
printf '{"seq":0,"t":0,"kind":"nonsense"}\n' >"$TMP/broken.jsonl"
expect_refusal "a malformed trace" "$TMP/broken.jsonl" --screenshot "$TMP/bad.txt" --at 1

summary
