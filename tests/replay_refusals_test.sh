#!/usr/bin/env bash
# `concviz replay` on hostile input, through the real binary: every trace in
# tests/traces/refused, a directory and /dev/zero are refused with one line
# on stderr naming the line (or what the path is) and status 2, promptly;
# and a trace whose text holds ESC/OSC sequences and C1 bytes prints none
# of them in headless replay.
set -u
BIN=${1:?usage: replay_refusals_test.sh path/to/concviz}
TMP=$(mktemp -d)
. "$(dirname "$0")/testlib.sh"
trap cleanup EXIT
SRC=$(cd "$(dirname "$0")/.." && pwd)

# expect_refused "description" path fragment
expect_refused() {
    timeout 20 "$BIN" replay "$2" >"$TMP/out" 2>"$TMP/err" </dev/null
    local rc=$?
    if [ "$rc" -ne 2 ]; then bad "$1: exit $rc, want 2"; return; fi
    if [ "$(wc -l <"$TMP/err")" -ne 1 ]; then bad "$1: not one line on stderr:"; cat "$TMP/err"; return; fi
    if ! grep -qF -- "$3" "$TMP/err"; then bad "$1: stderr lacks '$3':"; cat "$TMP/err"; return; fi
    ok
}

for f in "$SRC"/tests/traces/refused/*.jsonl; do
    expect_refused "$(basename "$f")" "$f" ": line "
done
expect_refused "a directory" "$SRC/tests/traces" "a directory, not a trace file"
expect_refused "/dev/zero" /dev/zero "a character device, not a trace file"
head -c 3000000 /dev/zero >"$TMP/zeros.jsonl"
expect_refused "a file of NULs" "$TMP/zeros.jsonl" "line 1: "

# Text with escape sequences: ESC [2J, an OSC title, a raw C1 CSI (U+009B),
# a BEL, a stray byte.
printf '%s\n' \
    '{"seq":0,"t":0,"kind":"header","scenario":"loiter","speed":1,"wall_ns":0}' \
    '{"seq":1,"t":0.1,"kind":"log","lane":0,"text":"a\u001b[2Jb\u001b]0;pwned\u0007c\u009bd","origin":0}' \
    '{"seq":2,"t":0.2,"kind":"frame","lane":0,"side":"thread","text":"\u001b[H","origin":0}' \
    '{"seq":3,"t":0.3,"kind":"frame","lane":0,"side":"thread","text":"","origin":0}' \
    >"$TMP/esc.jsonl"
printf '{"seq":4,"t":0.4,"kind":"log","lane":0,"text":"x\xffy","origin":0}\n' >>"$TMP/esc.jsonl"
if "$BIN" replay "$TMP/esc.jsonl" >"$TMP/out" 2>"$TMP/err"; then ok; else bad "escape trace refused:"; cat "$TMP/err"; fi
if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$TMP/out"; then bad "control bytes reached stdout"; cat -v "$TMP/out"; else ok; fi
if LC_ALL=C grep -q $'\xc2[\x80-\x9f]' "$TMP/out"; then bad "a C1 control reached stdout"; else ok; fi
check "the text around the sequences is kept" grep -q 'a?\[2Jb?\]0;pwned?c?d' "$TMP/out"
check "a stray byte becomes ?" grep -q 'x?y' "$TMP/out"

summary
