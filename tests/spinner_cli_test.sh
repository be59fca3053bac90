#!/usr/bin/env bash
# The spinner through the real binary, with stdout a file: the book's object
# lines, one frame-count line per side instead of '\r' redraws, and two
# "Answer: 42"; the experiments run; bad input is one line on stderr and
# status 2.
set -u
BIN=${1:?usage: spinner_cli_test.sh path/to/concviz}
TMP=$(mktemp -d)
. "$(dirname "$0")/testlib.sh"

strip() { sed -E 's/^\[[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}\] //' "$1"; }

# The book's programs, both sides at once.
if "$BIN" spinner --headless --speed 10 --trace "$TMP/t.jsonl" >"$TMP/out" 2>"$TMP/err"; then ok; else bad "spinner exit status"; fi
strip "$TMP/out" >"$TMP/lines"
check "thread object line" grep -qx 'spinner object: <Thread(Thread-1, initial)>' "$TMP/lines"
check "task object line" grep -Eqx "spinner Task object: <Task pending name='Task-[0-9]+' coro=<spin\(\) running at .*>>" "$TMP/lines"
check "thread frame count" grep -Eqx '\(thread side drew [0-9]+ frames?\)' "$TMP/lines"
check "task frame count" grep -Eqx '\(task side drew [0-9]+ frames?\)' "$TMP/lines"
[ "$(grep -cx 'Answer: 42' "$TMP/lines")" -eq 2 ] && ok || bad "two 'Answer: 42' lines"
check "no carriage returns in a file" bash -c "! grep -q $'\r' '$TMP/out'"
[ ! -s "$TMP/err" ] && ok || bad "stderr not empty: $(head -n3 "$TMP/err")"
# The trace carries frames of both sides and the tasks by label.
check "trace: thread frames" grep -q '"kind":"frame","side":"thread"' "$TMP/t.jsonl"
check "trace: task frames" grep -q '"kind":"frame","side":"task"' "$TMP/t.jsonl"
check "trace: spin cancelled" grep -q '"label":"spin","state":"cancelled"' "$TMP/t.jsonl"
check "trace: supervisor done" grep -q '"label":"supervisor","state":"done"' "$TMP/t.jsonl"
# A replayed trace prints what the live run printed, frame counts included.
"$BIN" replay "$TMP/t.jsonl" >"$TMP/replayed" 2>/dev/null
check "replay prints what the run printed" cmp -s "$TMP/out" "$TMP/replayed"

# A blocked loop: the task spinner draws one frame and freezes there.
"$BIN" spinner --headless --speed 10 --work block >"$TMP/out" 2>&1 || bad "block exit status"
strip "$TMP/out" >"$TMP/lines"
check "block: task spinner froze" grep -Eqx '\(task side drew [12] frames?\)' "$TMP/lines"
[ "$(grep -cx 'Answer: 42' "$TMP/lines")" -eq 2 ] && ok || bad "block: two answers"

# One side only.
"$BIN" spinner --headless --speed 10 --side thread --work cpu >"$TMP/out" 2>&1 || bad "cpu exit status"
strip "$TMP/out" >"$TMP/lines"
check "cpu: names its prime" grep -Eqx 'is_prime\([0-9]{16,}\) -> True' "$TMP/lines"
check "thread side only: no task lines" bash -c "! grep -q 'Task' '$TMP/lines'"
[ "$(grep -cx 'Answer: 42' "$TMP/lines")" -eq 1 ] && ok || bad "thread side only: one answer"

# Help and bad input.
"$BIN" spinner --help | grep -q -- '--work' && ok || bad "spinner --help lacks --work"
"$BIN" list | grep -q '^spinner ' && ok || bad "list has no spinner"
for args in "--work bogus" "--side neither" "--nap-every 0" "--speed 0"; do
    # shellcheck disable=SC2086
    "$BIN" spinner $args >"$TMP/out" 2>"$TMP/err" </dev/null
    rc=$?
    if [ "$rc" -ne 2 ]; then
        bad "$args: exit $rc, want 2"
    elif [ "$(wc -l <"$TMP/err")" -ne 1 ]; then
        bad "$args: want one line on stderr, got: $(cat "$TMP/err")"
    else
        ok
    fi
done

summary
