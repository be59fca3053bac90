#!/usr/bin/env bash
# End-to-end test of the stepping keys (issue 12, points 1 and 5): drives
# the real binary on recorded traces in a private tmux server and reads the
# header's event number and the caption back with capture-pane.
#   → ←   step by meaning: async flags never stops on a loop poll or turn,
#         and ← retraces the steps → took;
#   e     every event: → then visits each event;
#   ] [   within the task at the playhead;
#   f F   spinner frames;
#   . ,   an interval of demo time;
#   c     the caption history; Enter jumps to the selected caption.
#
# usage: bash tests/tui_steps_test.sh /path/to/concviz
set -u
BIN=${1:?usage: tui_steps_test.sh /path/to/concviz}
DIR=$(cd "$(dirname "$0")" && pwd)
TRACES=$DIR/golden/traces
SOCK=cvsteps$$
. "$(dirname "$0")/tuilib.sh"

event() { screen | sed -n 1p | sed -n 's/.*event \([0-9]*\)\/.*/\1/p'; }
# Sends one key and waits for the header's event number to differ from
# what it was (or 3 s); prints the new number.
press() {
    local was now deadline=$((SECONDS + 3))
    was=$(event)
    T send-keys "$1"
    while [ $SECONDS -le $deadline ]; do
        now=$(event)
        [ -n "$now" ] && [ "$now" != "$was" ] && break
        sleep 0.05
    done
    event
}
open() { # $1: trace name
    T kill-session -t steps 2>/dev/null
    T new-session -d -x 120 -y 40 -s steps \
        "$(tui_env) $BIN replay --no-intro $TRACES/$1.jsonl"
    T set-option -g status off
    wait_for 'event [0-9]+/' 10 || fail "$1: the replay did not open"
    T send-keys Home
    wait_for 'event 0/' || fail "$1: Home did not go to event 0"
}

# 1. → by meaning on async flags: 30 steps, none on a poll or a turn of
#    the loop, some events skipped; then ← visits the same events back.
open flags_async
seen=()
polls=0
for _ in $(seq 30); do
    n=$(press Right)
    seen+=("$n")
    caption | grep -Eq 'the loop (polls|turns)' && polls=$((polls + 1))
done
[ "$polls" = 0 ] && ok "-> never stops on a poll or a turn of the loop" \
    || fail "-> stopped on $polls polls or turns"
[ "${seen[29]}" -gt 30 ] && ok "-> skipped plumbing: 30 steps reach event ${seen[29]}" \
    || fail "30 steps reach only event ${seen[29]}"
back_ok=1
for i in $(seq 28 -1 20); do
    n=$(press Left)
    [ "$n" = "${seen[$i]}" ] || { back_ok=0; fail "<- went to $n, -> had been at ${seen[$i]}"; break; }
done
[ "$back_ok" = 1 ] && ok "<- retraces the steps -> took"

# 2. e: every event; the key line says so; → then moves by one.
T send-keys e
wait_for 'next event' && ok "e switches to every event (key line)" || fail "key line did not change"
a=$(event)
b=$(press Right)
[ "$b" = $((a + 1)) ] && ok "-> in every-event mode steps one event" || fail "$a -> $b"
T send-keys e
wait_for 'by meaning' || fail "e back: no notice"

# 3. ] and [: within the task at the playhead.
T send-keys Home
wait_for 'event 0/'
for _ in $(seq 12); do
    press Right >/dev/null
    caption | grep -q 'Task created' && break
done
task=$(caption | sed -n 's/.*(\([a-z_]*\)[,)].*/\1/p')
from=$(event)
if [ -n "$task" ]; then
    press ']' >/dev/null
    caption | grep -q "$task" && ok "] goes to $task's next event: $(caption)" \
        || fail "] left $task"
    [ "$(press '[')" = "$from" ] && ok "[ goes back to $task's previous event" \
        || fail "[ did not return to event $from"
else
    fail "no Task created caption in 12 steps"
fi

# 4. . and ,: an interval of demo time.
T send-keys Home
wait_for 'event 0/'
n1=$(press .)
n2=$(press .)
[ "$n1" -gt 0 ] && [ "$n2" -gt "$n1" ] && ok ". steps by time: events $n1, $n2" \
    || fail ". went to $n1 then $n2"
[ "$(press ,)" = "$n1" ] && ok ", steps back by the same interval" || fail ", did not return to $n1"

# 5. f and F: spinner frames.
open spin_sleep
f1=$(press f)
caption | grep -q 'spinner draws' && ok "f goes to a spinner frame: $(caption)" || fail "f: $(caption)"
f2=$(press f)
[ "$f2" -gt "$f1" ] && caption | grep -q 'spinner draws' && ok "f again: the next frame" \
    || fail "second f: $f2"
[ "$(press F)" = "$f1" ] && ok "F goes back a frame" || fail "F did not return to $f1"

# 6. c: the caption history; Enter jumps to the selected row.
if true; then
    T send-keys Home
    wait_for 'event 0/'
    for _ in $(seq 6); do press Right >/dev/null; done
    at=$(event)
    T send-keys c
    if wait_for 'caption history' 3; then
        ok "c opens the caption history"
        T send-keys Up Up Enter
        sleep 0.5
        now=$(event)
        [ -n "$now" ] && [ "$now" -lt "$at" ] && ok "Enter jumps back to event $now" \
            || fail "Enter: event $now, was $at"
        screen | grep -q 'caption history' && fail "the history stayed open"
    else
        fail "c did not open the caption history"
    fi
fi

T send-keys q
tui_verdict "stepping"
