#!/usr/bin/env bash
# Presenter mode in the terminal, end to end in a private tmux server at a
# projector's 200x60: `concviz loiter --present --paused --no-intro` shows
# the big clock, a lane three rows tall (its bars repeated under their
# labels), no table and no console; T brings the table back and T again
# hides it; C does the same for the console; ? lists the keys.
#
# usage: bash tests/tui_present_test.sh /path/to/concviz
set -u
BIN=${1:?usage: tui_present_test.sh /path/to/concviz}
SOCK=cvpresent$$
. "$(dirname "$0")/tuilib.sh"

shell_session present 200 60

T send-keys "$BIN loiter --present --paused --no-intro --speed 10; echo status=\$?" Enter
wait_for 'PAUSED' 20 || fail "no screen"
# Follow the run live (End) until the third worker has a bar, so that
# the lanes have bars to show; under a sanitizer the run is slow, so this
# waits for the run rather than for a demo time.
T send-keys End
wait_for 'worker 3 .*loiter\(' 60 || fail "worker 3 never got a bar"
sleep 0.5
T capture-pane -p >"$TMP/screen"

# The big clock: three header rows of block characters at the right.
grep -Eq '[█▀▄]{2,}.*$' <(sed -n 1,3p "$TMP/screen") && ok "the big clock shows" ||
    fail "no big clock in the header"
# A tall lane: the row under "worker 1" repeats its bar without a label.
row=$(grep -n '^worker 1 ' "$TMP/screen" | head -1 | cut -d: -f1)
next=$(sed -n "$((row + 1))p" "$TMP/screen")
if [ -n "$row" ] && [[ $next =~ ^\ {10}.*[^\ ] ]] && ! [[ $next =~ loiter ]]; then
    ok "worker 1's lane is taller than one row"
else
    fail "worker 1's lane is one row (next row: '$next')"
fi
grep -q '^worker 2 ' "$TMP/screen" && [ $(( $(grep -n '^worker 2 ' "$TMP/screen" | cut -d: -f1) - row )) -eq 3 ] &&
    ok "lanes are three rows apart" || fail "lanes are not three rows apart"
grep -Eq '^id +future' "$TMP/screen" && fail "the table shows in presenter mode" || ok "no table"
grep -Eq '(^|│)console' "$TMP/screen" && fail "the console shows in presenter mode" || ok "no console"

T send-keys T
wait_for 'table shown' && ok "T says the table is shown" || fail "T gave no notice"
wait_for '^id +future' && ok "T shows the table" || fail "T did not show the table"
T send-keys T
wait_for 'table hidden' && wait_gone '^id +future' && ok "T again hides it" || fail "T did not hide the table"
T send-keys C
wait_for 'console shown' && wait_for '(^|│)console' && ok "C shows the console" || fail "C did not show the console"
T send-keys '?'
wait_for 'show / hide the table' && ok "help lists T and C" || fail "help lacks T and C"
T send-keys Escape
wait_gone 'help: keys' || fail "help stayed"

T send-keys q
wait_for 'quit\? y/n|status=0' 5
T capture-pane -p | grep -q 'quit? y/n' && T send-keys y
wait_for 'status=0' || fail "did not quit"

tui_verdict "presenter mode"
