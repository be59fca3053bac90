#!/usr/bin/env bash
# End-to-end test of focus, scroll and inspect (issue 12, point 4): drives
# the real binary on a recorded trace (flags, 80 downloads on 6 workers) in
# a private tmux server and reads the screen back.  Tab moves the focus
# (the focused title changes its attributes), j/k and PgDn select table
# rows and clamp at the last, Enter opens the selected future's card and
# Esc, q or Enter close it without quitting, `*` lets the table follow the
# playhead again, a lane's card is its future's, and a mouse click on a
# table row or a lane opens that one's card.  tmux cannot make up a click
# with send-keys -M, so the test types the xterm mouse report itself
# (ESC [ M, button, column, row), which is what a terminal sends.
#
# usage: bash tests/tui_inspect_test.sh /path/to/concviz
set -u
BIN=${1:?usage: tui_inspect_test.sh /path/to/concviz}
SOCK=cvinspect$$
. "$(dirname "$0")/tuilib.sh"
TRACE=$(cd "$(dirname "$0")" && pwd)/golden/traces/flags_many.jsonl

# The id of the card on screen, or nothing.
card_id() { screen | sed -n 's/.*│ future \([0-9]*\) .*/\1/p' | head -n 1; }
# The first id the table shows (the row under its titles).
table_top() { screen | sed -n '/^id  /{n;p;q}' | awk '{print $1}'; }
# Clicks the cell at column $1, row $2 (from 0): press, then release.
click() {
    local cx ry
    cx=$(printf '\\x%x' $((33 + $1)))
    ry=$(printf '\\x%x' $((33 + $2)))
    T send-keys -l "$(printf "\033[M %b%b\033[M#%b%b" "$cx" "$ry" "$cx" "$ry")"
}
CARD='card: its story'

shell_session ui
T send-keys "$BIN replay --no-intro $TRACE; echo status=\$?" Enter
wait_for 'REPLAY' || fail "the replay did not open"
T send-keys End
wait_for 'REPLAY END' || fail "End did not reach the last event"

# 1. Nothing selected and the last event names no future: a notice.
T send-keys Enter
wait_for 'nothing to inspect' 3 && ok "Enter with nothing to inspect says so" || fail "no notice"

# 2. Tab focuses the table (then the console: its title changes looks).
before=$(T capture-pane -p -e | grep -a -m1 'console' | cat -v)
T send-keys Tab Tab
sleep 0.3
after=$(T capture-pane -p -e | grep -a -m1 'console' | cat -v)
[ "$before" != "$after" ] && ok "the focused pane's title is marked" || fail "no focus mark: $after"
T send-keys BTab
sleep 0.2

# 3. j selects the first row shown; Enter opens its card; Esc closes it.
top=$(table_top)
T send-keys j Enter
wait_for "$CARD" 3 || fail "Enter opened no card"
[ "$(card_id)" = "$top" ] && ok "j then Enter: the card of the first row ($top)" \
    || fail "card of $(card_id), not of $top"
T send-keys Escape
wait_gone "$CARD" 3 && ok "Esc closes the card" || fail "Esc left the card"

# 4. j moves one row; q closes the card and does not quit.
T send-keys j Enter
wait_for "$CARD" 3
[ "$(card_id)" = $((top + 1)) ] && ok "j moves the selection one row" || fail "j: card $(card_id)"
T send-keys q
wait_gone "$CARD" 3 && ok "q closes the card" || fail "q left the card"
sleep 0.3
screen | grep -q 'REPLAY END' && ok "q on a card does not quit" || fail "q on a card quit"

# 5. PgDn pages, and clamps at the last future (80); k goes back one.
T send-keys PgDn PgDn PgDn PgDn Enter
wait_for "$CARD" 3
[ "$(card_id)" = 80 ] && ok "PgDn clamps at the last future" || fail "PgDn: card $(card_id)"
T send-keys Enter
wait_gone "$CARD" 3 && ok "Enter closes the card" || fail "Enter left the card"
T send-keys k Enter
wait_for "$CARD" 3
[ "$(card_id)" = 79 ] && ok "k moves back one row" || fail "k: card $(card_id)"
T send-keys Escape
wait_gone "$CARD" 3

# 6. Scrolled to the top, the table is pinned there; * follows again.
for _ in 1 2 3 4 5 6 7 8; do T send-keys PgUp; done
sleep 0.3
[ "$(table_top)" = 1 ] && ok "PgUp scrolls the table to its first row" || fail "table top $(table_top)"
T send-keys '*'
sleep 0.3
[ "$(table_top)" = "$top" ] && ok "* lets the table follow the playhead again" \
    || fail "after *: table top $(table_top), not $top"

# 7. Lanes: Tab twice from the table; j selects main then worker 1; the
# card is the future worker 1 ran last, and says so.
T send-keys Tab Tab j j Enter
wait_for "$CARD" 3
screen | grep -q '│ future [0-9]* .* lane worker 1 ' && ok "a lane's card is its last future's" \
    || fail "the lane's card is not worker 1's"
T send-keys Escape
wait_gone "$CARD" 3

# 8. The mouse: a click on a table row opens that row's card; a click
# closes it; a click on a lane's row opens its future's card.
y=$(screen | grep -n -m1 '^72 ' | cut -d: -f1)
if [ -n "$y" ]; then
    click 3 $((y - 1))
    wait_for "$CARD" 3
    [ "$(card_id)" = 72 ] && ok "a click on row 72 opens its card" || fail "click: card $(card_id)"
    click 3 $((y - 1))
    wait_gone "$CARD" 3 && ok "a click closes the card" || fail "the click left the card"
else
    fail "row 72 is not on screen"
fi
y=$(screen | grep -n -m1 '^worker 3 ' | cut -d: -f1)
click 2 $((y - 1))
wait_for "$CARD" 3
screen | grep -q '│ future [0-9]* .* lane worker 3 ' && ok "a click on worker 3 opens its future's card" \
    || fail "the click on worker 3 opened no card of its"
T send-keys Escape
wait_gone "$CARD" 3

# 9. q quits a replay at once.
T send-keys q
wait_for 'status=0' 5 && ok "q quits" || fail "q did not quit"

tui_verdict "inspect"
