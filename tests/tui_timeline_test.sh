#!/usr/bin/env bash
# End-to-end test of the timeline's keys: replays loiter's golden trace in
# a private tmux server, goes to its last event and checks each key by the
# lanes pane's axis row (the row that starts with "lanes") and its rows:
# z zooms in (the axis changes), x zooms back out (the axis is as it was),
# < and > pan a zoomed axis and undo each other, 0 fits again, o counts
# events ("events:" on the axis) and back, v shows full lanes as compact
# (short names and the "run N" concurrency strip) and back.  A key that
# cannot act says why in the header (x at the whole run).  Last, on a
# live flags run with more workers than rows, the lane a caption names is
# on screen.
#
# usage: bash tests/tui_timeline_test.sh /path/to/concviz
set -u
BIN=${1:?usage: tui_timeline_test.sh /path/to/concviz}
TRACE=$(cd "$(dirname "$0")" && pwd)/golden/traces/loiter.jsonl
SOCK=cvtl$$
. "$(dirname "$0")/tuilib.sh"

axis() { screen | grep -m1 '^lanes'; }

# Waits for the axis row to differ from (or, with $2 = same, equal) $1.
wait_axis() {
    local deadline=$((SECONDS + 5))
    while [ $SECONDS -le $deadline ]; do
        if [ "${2:-}" = same ]; then [ "$(axis)" = "$1" ] && return 0
        else [ "$(axis)" != "$1" ] && return 0; fi
        sleep 0.1
    done
    return 1
}

shell_session tl

T send-keys "$BIN replay --no-intro $TRACE; echo status=\$?" Enter
wait_for '^lanes' || fail "no lanes"
T send-keys ' '
T send-keys End
wait_for 'event 57/57' || fail "End did not reach the last event"
sleep 0.3
fit=$(axis)
echo "fit: $fit"

T send-keys z
wait_axis "$fit" && ok "z zooms in: $(axis)" || fail "z did not change the axis"
T send-keys x
wait_axis "$fit" same && ok "x zooms back out" || fail "x did not restore the axis"
T send-keys x
wait_for 'whole run' && ok "x at the whole run says why" || fail "x at zoom 0 said nothing"

T send-keys z z
wait_axis "$fit" || fail "z z did not zoom"
sleep 0.2
zoomed=$(axis)
T send-keys '<'
wait_axis "$zoomed" && ok "< pans: $(axis)" || fail "< did not pan"
T send-keys '>'
wait_axis "$zoomed" same && ok "> pans back" || fail "> did not undo <"
T send-keys 0
wait_axis "$fit" same && ok "0 fits the whole run again" || fail "0 did not restore the axis"

T send-keys o
wait_for '^lanes +events:' && ok "o counts events: $(axis)" || fail "o did not switch to event order"
T send-keys o
wait_axis "$fit" same && ok "o again: time" || fail "o again did not restore time"

T send-keys v
wait_for '^run [0-9]' && wait_for '^w1 ' && ok "v compacts the lanes" || fail "v did not compact"
T send-keys v
wait_for '^worker 1 ' && ! screen | grep -q '^run [0-9]' && ok "v again: full lanes" \
    || fail "v again did not restore full lanes"

T send-keys q
wait_for 'status=0' 10 && ok "q quits" || fail "q did not quit"

# The lanes follow the caption: flags with 20 workers at 120x40 cannot
# show every lane, yet stepping onto "worker 18 ..." shows worker 18.
T send-keys clear Enter
T send-keys "$BIN flags --no-intro -s DELAY --delay 1 -m 30; echo status=\$?" Enter
wait_for 'event [0-9]+/' 10 || fail "flags did not start"
wait_for '20 done' 20 || fail "flags did not finish"
T send-keys ' ' Home
wait_for 'event 0/' || fail "Home did not go to the first event"
found=0
for _ in $(seq 1 300); do
    T send-keys Right
    sleep 0.03
    if screen | sed -n 2p | grep -q 'worker 18\b'; then found=1; break; fi
done
if [ $found = 1 ]; then
    sleep 0.2
    screen | grep -Eq '^(w18|worker 18) ' && ok "the caption's worker 18 is on screen: $(screen | sed -n 2p)" \
        || fail "the caption names worker 18, not on screen"
else
    fail "no caption named worker 18"
fi
T send-keys q
wait_for 'quit\? y/n' || fail "q on a stepped live run did not ask"
T send-keys y
wait_for 'status=0' 10 || fail "q y did not quit flags"

tui_verdict "timeline"
