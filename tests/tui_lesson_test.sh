#!/usr/bin/env bash
# The lesson cards in the terminal, end to end in a private tmux server:
# the first card shows when a run opens and any key only closes it (the
# key does nothing else: a paused run stays paused); i opens it again; the
# end card shows once the run is over and the playhead at its end; with
# --no-intro no card opens by itself.
#
# usage: bash tests/tui_lesson_test.sh /path/to/concviz
set -u
BIN=${1:?usage: tui_lesson_test.sh /path/to/concviz}
SOCK=cvlesson$$
. "$(dirname "$0")/tuilib.sh"

shell_session lesson

# 1. The first card opens with the screen; a key closes it and only that.
T send-keys "$BIN loiter --paused --speed 10; echo status=\$?" Enter
wait_for 'executor.map versus as_completed' && ok "the first card shows" || fail "no first card"
T send-keys ' '
wait_gone 'executor.map versus' && ok "a key closes it" || fail "the card stayed"
wait_for 'PAUSED' && ok "the key only closed the card (still paused)" || fail "not paused"
T send-keys i
wait_for 'executor.map versus' && ok "i opens it again" || fail "i opened nothing"
T send-keys Escape
wait_gone 'executor.map versus' || fail "Escape did not close it"

# 2. At the end of the run the end card opens by itself.
T send-keys End
wait_for 'loiter: the run is over' 30 && ok "the end card shows" || fail "no end card"
wait_for 'calls finished in submission order: 0, 1, 2, 3, 4' &&
    ok "the end card says the order" || fail "the end card lacks the order"
T send-keys x
wait_gone 'the run is over' || fail "the end card stayed"
quit() { # q, and y when the UI asks (a stepped run does)
    T send-keys q
    wait_for 'quit\? y/n|status=0' 5
    T capture-pane -p | grep -q 'quit? y/n' && T send-keys y
    wait_for 'status=0' || fail "$1 did not quit"
}
quit loiter
T send-keys clear Enter
sleep 0.2

# 3. --no-intro: no card by itself.
T send-keys "$BIN loiter --no-intro --paused --speed 10; echo status=\$?" Enter
wait_for 'PAUSED' || fail "no screen with --no-intro"
sleep 0.5
T capture-pane -p | grep -q 'executor.map versus' && fail "--no-intro showed the card" ||
    ok "--no-intro opens no card"
quit "loiter --no-intro"

tui_verdict "lesson card"
