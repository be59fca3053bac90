#!/usr/bin/env bash
# End-to-end test of the terminal UI: drives the real binary in a private
# tmux server and reads the screen back with capture-pane.  It checks that
# the UI starts and shows the lanes, pauses, steps forward and back, opens
# the help, survives a resize below the minimum size, and that every way
# out (q, Ctrl-C, SIGTERM) restores the terminal: the alternate screen is
# off, the cursor is visible and the shell prompt is back.  When the binary
# has the spinner, its two panes must show and quit cleanly too.
#
# usage: bash tests/tui_test.sh /path/to/concviz
set -u
BIN=${1:?usage: tui_test.sh /path/to/concviz}
SOCK=cvtest$$
. "$(dirname "$0")/tuilib.sh"

# A plain shell with a recognisable prompt, in a 120x40 window; TERM says
# what tmux really is, so that Home and End arrive as curses expects.
# Sanitizer options pass through, so a sanitizer build can log to a file
# instead of the screen under test.
shell_session ui


# 1. Live run: lanes appear, space pauses, steps move the caption.
T send-keys "$BIN loiter --no-intro --speed 2; echo status=\$?" Enter
wait_for 'worker 1' && wait_for 'main' && ok "the UI shows the lanes" || fail "no lanes"
wait_for 'LIVE' || fail "not live at start"
sleep 0.5
T send-keys ' '
wait_for 'PAUSED' && ok "space pauses" || fail "space did not pause"
before=$(caption)
T send-keys Left
sleep 0.3
back=$(caption)
[ "$back" != "$before" ] && ok "left steps back: $back" || fail "left did not change the caption"
# The pause may land on plumbing (an idle flip), which → passes over, so
# the return is checked between two steps: ← once more, then →.
T send-keys Left
sleep 0.3
[ "$(caption)" != "$back" ] || fail "a second left did not change the caption"
T send-keys Right
sleep 0.3
[ "$(caption)" = "$back" ] && ok "right steps forward again" || fail "right did not return to: $back"
T send-keys Home
wait_for 'event 0/' && wait_for 'the run of loiter begins' && ok "Home goes to the first event" \
    || fail "Home did not go to the first event"
# n steps by meaning now (tests/tui_steps_test.sh checks that); e makes
# it step every event, as this check counts.
T send-keys e n n n n e
sleep 0.3
screen | grep -q 'event 4/' && ok "n steps" || fail "n did not step to event 4"
T send-keys '?'
wait_for 'legend' && ok "? opens the help" || fail "no help"
T send-keys x
sleep 0.3
screen | grep -q 'legend' && fail "the help did not close"
# Too small, then big again.
T resize-window -x 60 -y 20
wait_for 'needs at least 80x24' && ok "a small window shows the message" || fail "no small-window message"
T resize-window -x 120 -y 40
wait_for '^main ' && wait_for 'q quit' && ok "the UI comes back after the resize" || fail "no UI after growing"
T send-keys End
wait_for 'LIVE' || fail "End did not go live"
T send-keys q
wait_for 'quit\? y/n' && ok "q on a stepped run asks first" || fail "q did not ask"
T send-keys y
restored "q" 0

# 2. --paused opens at the first event; Ctrl-C quits.
T send-keys "$BIN loiter --no-intro --paused; echo status=\$?" Enter
wait_for 'PAUSED' && wait_for 'event 0/' && ok "--paused opens at the first event" \
    || fail "--paused did not open at the first event"
T send-keys C-c
restored "Ctrl-C" 130

# 3. SIGTERM from outside.
T send-keys "sh -c 'echo \$\$ > $TMP/pid; exec $BIN loiter --no-intro --speed 0.5'; echo status=\$?" Enter
wait_for 'worker 1' || fail "the UI did not start for SIGTERM"
kill -TERM "$(cat "$TMP/pid")"
restored "SIGTERM" 143

# 4. ASCII and no colours still draw the lanes.
T send-keys "NO_COLOR=1 $BIN loiter --no-intro --speed 5 --ascii; echo status=\$?" Enter
wait_for 'worker 1' || fail "--ascii did not start"
wait_for 'END|run over' 10 || fail "the run did not end"
screen | LC_ALL=C grep -q '[^ -~]' && fail "--ascii shows non-ASCII characters"
ok "--ascii shows only ASCII"
T send-keys q
restored "q after --ascii" 0

# 5. The spinner, when built in: two panes on one clock; q restores.
if "$BIN" list | grep -q '^spinner '; then
    T send-keys "$BIN spinner --no-intro --speed 2; echo status=\$?" Enter
    wait_for 'thread side' && wait_for 'task side' && ok "the spinner shows two panes" \
        || fail "no two panes for the spinner"
    screen | grep -q 'thinking!.*thinking!' \
        && ok "each pane has its spinner" || fail "not two spinners"
    wait_for 'frame [1-9]' || fail "no frames counted"
    T send-keys ' '
    wait_for 'PAUSED' || fail "space did not pause the spinner"
    T send-keys Right
    sleep 0.3
    screen | grep -q 'thread side' && ok "stepping keeps both panes" || fail "a step lost the panes"
    T send-keys q
    wait_for 'quit\? y/n' || fail "q on the paused spinner did not ask"
    T send-keys y
    restored "q after the spinner" 0
else
    echo "skip: no spinner scenario in $BIN"
fi

# 6. A long replay opens before its trace is read, and a line refused
# behind the screen is said in the header, then on stderr with status 2.
"$BIN" stress --futures 30000 --workers 4 --headless --trace "$TMP/long.jsonl" >/dev/null
n=$(wc -l < "$TMP/long.jsonl")
if [ "$n" -gt 80000 ]; then
    # A later line is replaced by one of an unknown kind, past the first
    # batch the replay reads before it opens.
    awk -v bad=80000 'NR == bad { print "{\"seq\":" bad - 1 ",\"t\":1,\"kind\":\"bogus\"}"; next } { print }' \
        "$TMP/long.jsonl" > "$TMP/late.jsonl"
    T send-keys "$BIN replay --no-intro $TMP/late.jsonl 2>$TMP/late.err; echo status=\$?" Enter
    wait_for 'REPLAY PAUSED' 20 && ok "a long replay opens" || fail "the long replay did not open"
    wait_for 'trace refused.*line 80000' 20 && ok "a late refusal shows in the header" \
        || fail "no refusal in the header"
    T send-keys q
    restored "q after a refused replay" 2
    grep -q 'late.jsonl: line 80000: unknown "kind"' "$TMP/late.err" \
        && ok "the late refusal is on stderr" || fail "stderr: $(cat "$TMP/late.err")"
else
    fail "the stress trace has only $n lines"
fi

tui_verdict "TUI"
