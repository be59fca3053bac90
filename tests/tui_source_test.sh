#!/usr/bin/env bash
# The source pane in the terminal, end to end in a private tmux server: s
# shows the Python listing of loiter, stepping moves main's marker from
# line to line (and back), s hides it again; --source opens with it.
#
# usage: bash tests/tui_source_test.sh /path/to/concviz
set -u
BIN=${1:?usage: tui_source_test.sh /path/to/concviz}
SOCK=cvsource$$
. "$(dirname "$0")/tuilib.sh"

shell_session source

# 1. Paused at the first event: no pane until s.
T send-keys "$BIN loiter --paused --no-intro --speed 10; echo status=\$?" Enter
wait_for 'PAUSED' || fail "the UI did not open paused"
T capture-pane -p | grep -q 'source loiter.py' && fail "the pane shows before s"
T send-keys s
wait_for 'source loiter.py' && ok "s shows the source pane" || fail "s showed no pane"

# 2. Stepping forward puts main on "Script starting", then on the
# executor line; stepping back puts it back.
main_at() { wait_for "main▸ +[0-9]+ +$1" "${2:-10}"; }
for _ in 1 2 3 4 5 6; do
    T capture-pane -p | grep -Eq 'main▸ +[0-9]+ +display\('"'"'Script starting' && break
    T send-keys Right
    sleep 0.2
done
main_at "display\\('Script starting" && ok "a step puts main on display('Script starting.')" ||
    fail "main is not on its first line"
for _ in 1 2 3 4; do
    T capture-pane -p | grep -Eq 'main▸ +[0-9]+ +executor = ' && break
    T send-keys Right
    sleep 0.2
done
main_at "executor = futures" && ok "stepping moves main's marker to the executor line" ||
    fail "the marker did not move forward"
for _ in 1 2 3 4; do
    T capture-pane -p | grep -Eq 'main▸ +[0-9]+ +display\('"'"'Script starting' && break
    T send-keys Left
    sleep 0.2
done
main_at "display\\('Script starting" && ok "stepping back moves it back" ||
    fail "the marker did not follow the playhead back"

# 3. s hides it; quit.
T send-keys s
wait_gone 'source loiter.py' && ok "s hides it again" || fail "s did not hide the pane"
quit() { # q, and y when the UI asks (a stepped run does)
    T send-keys q
    wait_for 'quit\? y/n|status=0' 5
    T capture-pane -p | grep -q 'quit? y/n' && T send-keys y
    wait_for 'status=0' || fail "$1 did not quit"
}
quit loiter
T send-keys clear Enter
sleep 0.2

# 4. --source opens with the pane.
T send-keys "$BIN loiter --paused --no-intro --source --speed 10; echo status=\$?" Enter
wait_for 'source loiter.py' && ok "--source opens with the pane" || fail "--source showed no pane"
quit "loiter --source"

tui_verdict "source pane"
