#!/usr/bin/env bash
# A run the user stops is not a failure: a headless loiter stopped with
# SIGINT ends its console with "(stopped by the user)", its trace holds the
# user-stop mark (code 1) and the call it cut short reads "stopped by the
# user" (code -2, cancelled), never "failed: stopped"; the trace reads back
# and a replay prints the same console.
#
# usage: bash tests/user_stop_test.sh /path/to/concviz
set -u
BIN=${1:?usage: user_stop_test.sh /path/to/concviz}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
FAILS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
ok() { echo "ok: $*"; }

# loiter(4) takes 4 demo seconds; at --speed 2 it runs from about 0.5 s to
# 2.5 s real, so a SIGINT once "loiter(4): doing" is printed cuts it short.
"$BIN" loiter --speed 2 --headless --trace "$TMP/t.jsonl" >"$TMP/out" 2>"$TMP/err" &
pid=$!
for _ in $(seq 100); do
    grep -q 'loiter(4): doing' "$TMP/out" 2>/dev/null && break
    sleep 0.05
done
kill -INT $pid
wait $pid
st=$?
[ $st -ne 0 ] || fail "a stopped run exited 0"
tail -n 1 "$TMP/out" | grep -q '(stopped by the user)$' && ok "the console says the user stopped the run" ||
    fail "console ends: $(tail -n 2 "$TMP/out")"
grep -q '"kind":"mark".*"text":"the user stopped the run","code":1' "$TMP/t.jsonl" &&
    ok "the trace holds the user-stop mark" || fail "no user-stop mark in the trace"
grep -q '"label":"loiter(4)","state":"failed".*"error":"stopped by the user","code":-2' "$TMP/t.jsonl" &&
    ok "the cut-short call says stopped by the user" || fail "loiter(4): $(grep 'loiter(4)' "$TMP/t.jsonl" | tail -1)"
mark_at=$(grep -n '"kind":"mark".*"code":1' "$TMP/t.jsonl" | cut -d: -f1)
cut_at=$(grep -n '"label":"loiter(4)","state":"failed"' "$TMP/t.jsonl" | cut -d: -f1)
[ -n "$mark_at" ] && [ -n "$cut_at" ] && [ "$mark_at" -lt "$cut_at" ] &&
    ok "the log says the user stopped the run before the cut-short call ends" ||
    fail "user-stop mark on line ${mark_at:-none}, loiter(4) failed on line ${cut_at:-none}"
grep -q '"error":"stopped"' "$TMP/t.jsonl" && fail "the trace still says \"stopped\" as a failure"
"$BIN" replay "$TMP/t.jsonl" >"$TMP/replay" 2>"$TMP/err" && tail -n 1 "$TMP/replay" | grep -q '(stopped by the user)$' &&
    ok "the trace reads back and its replay says so too" || fail "replay: $(cat "$TMP/err") $(tail -n 1 "$TMP/replay")"

[ $FAILS = 0 ] && echo "all user-stop checks passed"
exit $((FAILS > 0))
