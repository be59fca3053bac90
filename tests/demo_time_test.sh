#!/usr/bin/env bash
# Demo seconds everywhere a user types or reads a time: a live screenshot
# at --speed 20 --at 3 shows the header clock at 3.00 s (not the end of the
# run); a replay screenshot of the same trace at --at 3 shows the same
# clock; flags at --speed 10 against the embedded server with a 1 s delay
# reports about 1 s of demo time (the server's delay is sped up too), and
# --speed with the remote site is refused; and --marks refuses a bad file with one line naming its line.
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

# Without scaling the server, the download would take 10 demo seconds.
"$BIN" flags --speed 10 -s DELAY --delay 1 --headless --dest "$TMP/flags" BR CN IN >"$TMP/flags.out" 2>&1
el=$(grep -Eo 'Elapsed time: [0-9.]+' "$TMP/flags.out" | grep -Eo '[0-9.]+$')
awk -v e="${el:-0}" 'BEGIN { exit !(e >= 0.95 && e < 5) }' &&
    ok "flags --speed 10 --delay 1 takes about 1 demo second ($el s)" ||
    fail "flags elapsed '${el}': $(tail -n 3 "$TMP/flags.out")"
"$BIN" flags --speed 10 -s REMOTE --headless >/dev/null 2>"$TMP/err"
st=$?
[ $st = 2 ] && grep -q 'remote site cannot be sped up' "$TMP/err" && [ "$(wc -l <"$TMP/err")" = 1 ] &&
    ok "--speed with the remote site is refused" || fail "REMOTE --speed: status $st: $(cat "$TMP/err")"

printf '1\t0.1\tok\n2\t0.2\n' > "$TMP/bad.marks"
"$BIN" replay "$TMP/t.jsonl" --marks "$TMP/bad.marks" >/dev/null 2>"$TMP/err"
st=$?
[ $st = 2 ] && grep -q 'bad.marks:2: ' "$TMP/err" && [ "$(wc -l <"$TMP/err")" = 1 ] &&
    ok "replay refuses a bad marks file with its line number" || fail "status $st: $(cat "$TMP/err")"

[ $FAILS = 0 ] && echo "all demo-time checks passed"
exit $((FAILS > 0))
