#!/usr/bin/env bash
# Demo seconds everywhere a user types or reads a time: a live screenshot
# at --speed 20 --at 3 shows the header clock at 3.00 s (not the end of the
# run); a replay screenshot of the same trace at --at 3 shows the same
# clock; and --marks refuses a bad file with one line naming its line.
#
# usage: bash tests/demo_time_test.sh /path/to/concviz
set -u
BIN=${1:?usage: demo_time_test.sh /path/to/concviz}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
FAILS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
ok() { echo "ok: $*"; }

if "$BIN" --help 2>&1 | grep -q screenshot || "$BIN" loiter --help 2>&1 | grep -q screenshot; then
    "$BIN" loiter --count 20 --speed 20 --at 3 --screenshot "$TMP/live.txt" --trace "$TMP/t.jsonl" >/dev/null 2>"$TMP/err"
    head -1 "$TMP/live.txt" | grep -q 't 3\.00s (speed 20' &&
        ok "a live screenshot at --speed 20 --at 3 shows demo 3.00 s" ||
        fail "live header: $(head -1 "$TMP/live.txt" 2>/dev/null) $(cat "$TMP/err")"
    "$BIN" replay "$TMP/t.jsonl" --at 3 --screenshot "$TMP/replay.txt" >/dev/null 2>"$TMP/err"
    head -1 "$TMP/replay.txt" | grep -q 't 3\.00s (speed 20' &&
        ok "a replay screenshot at --at 3 shows demo 3.00 s" ||
        fail "replay header: $(head -1 "$TMP/replay.txt" 2>/dev/null) $(cat "$TMP/err")"
else
    echo "SKIP: no screenshots in this build"
fi

printf '1\t0.1\tok\n2\t0.2\n' > "$TMP/bad.marks"
"$BIN" replay "$TMP/t.jsonl" --marks "$TMP/bad.marks" >/dev/null 2>"$TMP/err"
st=$?
[ $st = 2 ] && grep -q 'bad.marks:2: ' "$TMP/err" && [ "$(wc -l <"$TMP/err")" = 1 ] &&
    ok "replay refuses a bad marks file with its line number" || fail "status $st: $(cat "$TMP/err")"

[ $FAILS = 0 ] && echo "all demo-time checks passed"
exit $((FAILS > 0))
