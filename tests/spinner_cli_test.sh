#!/usr/bin/env bash
# The spinner through the real binary, with stdout a file: every side and
# every --work prints exactly the lines the book's programs print (python3
# 3.11 ran spinner_thread.py, spinner_async.py, spinner_async_experiment.py
# and the primes variants), with one frame-count line per side that drew
# frames instead of its '\r' redraws; the task side's spinner draws nothing
# when slow() blocks the loop, for spin never runs.  Bad input is one line
# on stderr and status 2.
set -u
BIN=${1:?usage: spinner_cli_test.sh path/to/concviz}
TMP=$(mktemp -d)
. "$(dirname "$0")/testlib.sh"

strip() { sed -E 's/^\[[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}\] //' "$1"; }

THREAD_OBJ='spinner object: <Thread\(Thread-1 \(spin\), initial\)>'
TASK_OBJ="spinner object: <Task pending name='Task-2' coro=<spin\(\) running at scenarios/spinner\.c:[0-9]+>>"
PRIME='[0-9]{1,3}(,[0-9]{3})+ is prime'
PROC_OBJ="spinner object: <Process name='Process-1' parent=[0-9]+ initial>"

# book NAME FRAMES ARGS... -- LINE...: runs the spinner headless with ARGS;
# its output less the frame-count lines must be exactly the LINEs (regular
# expressions, in order), and its frame-count lines exactly FRAMES (a
# regular expression over them joined by '|', empty for none).
book() {
    local name=$1 frames=$2
    shift 2
    local args=()
    while [ "$1" != "--" ]; do args+=("$1"); shift; done
    shift
    if ! "$BIN" spinner --headless --speed 10 "${args[@]}" >"$TMP/out" 2>"$TMP/err"; then
        bad "$name: exit status"
        return
    fi
    [ ! -s "$TMP/err" ] || bad "$name: stderr not empty: $(head -n3 "$TMP/err")"
    strip "$TMP/out" >"$TMP/lines"
    grep -v '^(.* side drew ' "$TMP/lines" >"$TMP/book"
    local got
    got=$(grep '^(.* side drew ' "$TMP/lines" | paste -sd'|')
    if ! [[ "$got" =~ ^${frames}$ ]]; then
        bad "$name: frame lines '$got', want /$frames/"
    fi
    local n=0 line
    if [ "$(wc -l <"$TMP/book")" -ne $# ]; then
        bad "$name: $(wc -l <"$TMP/book") lines, want $#: $(cat "$TMP/book")"
        return
    fi
    for want in "$@"; do
        n=$((n + 1))
        line=$(sed -n "${n}p" "$TMP/book")
        [[ "$line" =~ ^${want}$ ]] || { bad "$name: line $n is '$line', want /$want/"; return; }
    done
    ok
}

# The book's programs, one side at a time.
book "sleep, thread" '\(thread side drew [0-9]+ frames\)' --side thread -- "$THREAD_OBJ" 'Answer: 42'
book "sleep, task" '\(task side drew [0-9]+ frames\)' --side task -- "$TASK_OBJ" 'Answer: 42'
# spinner_proc.py: the spinner is a child process; with it beside the
# thread side, each side prints its own lines.
book "sleep, process" '\(process side drew [0-9]+ frames\)' --side process -- "$PROC_OBJ" 'Answer: 42'
# The two sides run at once, so their lines interleave in either order.
EITHER="($THREAD_OBJ|$PROC_OBJ)"
FRAMES='\((thread|process) side drew [0-9]+ frames\)'
book "sleep, thread,process" "$FRAMES\|$FRAMES" --side thread,process -- "$EITHER" "$EITHER" \
    'Answer: 42' 'Answer: 42'
check "thread,process: one object line per side" test \
    "$(grep -Ec "^($THREAD_OBJ|$PROC_OBJ)\$" "$TMP/book")" -eq 2
# spinner_async_experiment.py: spin never runs, so not one frame is drawn.
book "block, task" '' --side task --work block -- "$TASK_OBJ" 'Answer: 42'
book "block, thread" '\(thread side drew [0-9]+ frames\)' --side thread --work block -- \
    "$THREAD_OBJ" 'Answer: 42'
# spinner_prime_async_broken.py, spinner_prime_async_nap.py and
# spinner_prime_thread.py: main prints f'{n:,} {msg} prime'.
book "cpu, task" '' --side task --work cpu -- "$TASK_OBJ" "$PRIME"
book "nap, task" '\(task side drew [0-9]+ frames\)' --side task --work nap -- "$TASK_OBJ" "$PRIME"
book "cpu, thread" '\(thread side drew [0-9]+ frames\)' --side thread --work cpu -- \
    "$THREAD_OBJ" "$PRIME"
# Both at once: the two programs' lines, interleaved as the two threads go
# (each side's own lines come in its order).
ANY="($THREAD_OBJ|$TASK_OBJ|Answer: 42)"
book "block, both" '\(thread side drew [0-9]+ frames\)' --work block -- "$ANY" "$ANY" "$ANY" "$ANY"
check "block, both: one object line per side, two answers" test \
    "$(grep -Ec "^($THREAD_OBJ)$" "$TMP/book"):$(grep -Ec "^($TASK_OBJ)$" "$TMP/book"):$(grep -c '^Answer: 42$' "$TMP/book")" = 1:1:2

# Both sides with a trace: it carries frames of both sides and the tasks by
# label; spin caught its CancelledError, so its task ends done.
if "$BIN" spinner --headless --speed 10 --trace "$TMP/t.jsonl" >"$TMP/out" 2>"$TMP/err"; then ok; else bad "spinner exit status"; fi
strip "$TMP/out" >"$TMP/lines"
check "thread frame count" grep -Eqx '\(thread side drew [0-9]+ frames?\)' "$TMP/lines"
check "task frame count" grep -Eqx '\(task side drew [0-9]+ frames?\)' "$TMP/lines"
[ "$(grep -cx 'Answer: 42' "$TMP/lines")" -eq 2 ] && ok || bad "two 'Answer: 42' lines"
check "no carriage returns in a file" bash -c "! grep -q $'\r' '$TMP/out'"
[ ! -s "$TMP/err" ] && ok || bad "stderr not empty: $(head -n3 "$TMP/err")"
check "trace: thread frames" grep -q '"kind":"frame","side":"thread"' "$TMP/t.jsonl"
check "trace: task frames" grep -q '"kind":"frame","side":"task"' "$TMP/t.jsonl"
check "trace: cancel() wakes spin" grep -q '"label":"spin","state":"scheduled","lane":[0-9]*,"code":-2' "$TMP/t.jsonl"
check "trace: spin done, result None" grep -q '"label":"spin","state":"done","lane":[0-9]*,"result":"None"' "$TMP/t.jsonl"
check "trace: supervisor done" grep -q '"label":"supervisor","state":"done"' "$TMP/t.jsonl"
check "trace: slow() is no task" bash -c "! grep -q '\"label\":\"slow\"' '$TMP/t.jsonl'"
# A replayed trace prints what the live run printed, frame counts included.
"$BIN" replay "$TMP/t.jsonl" >"$TMP/replayed" 2>/dev/null
check "replay prints what the run printed" cmp -s "$TMP/out" "$TMP/replayed"

# A blocked loop, with a trace: spin is cancelled without ever running.
"$BIN" spinner --headless --speed 10 --side task --work block --trace "$TMP/b.jsonl" >/dev/null 2>&1 \
    || bad "block exit status"
check "block trace: spin cancelled" grep -q '"label":"spin","state":"cancelled"' "$TMP/b.jsonl"
check "block trace: spin never ran" bash -c "! grep -q '\"label\":\"spin\",\"state\":\"running\"' '$TMP/b.jsonl'"
check "block trace: no task frame" bash -c "! grep -q '\"kind\":\"frame\"' '$TMP/b.jsonl'"

# Help and bad input.
"$BIN" spinner --help | grep -q -- '--work' && ok || bad "spinner --help lacks --work"
"$BIN" list | grep -q '^spinner ' && ok || bad "list has no spinner"
for args in "--work bogus" "--side neither" "--nap-every 0" "--speed 0" "--gil --no-gil"; do
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
