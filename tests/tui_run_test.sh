#!/usr/bin/env bash
# concviz run in the terminal, end to end in a private tmux server: the
# program's output (through the probe and raw on stdout/stderr) shows as
# console lines, the header names the program, the end mark says how it
# ended and q then exits with the program's status; q while the program
# still runs stops it (SIGTERM: status 143) and restores the terminal.
#
# usage: bash tests/tui_run_test.sh /path/to/concviz
set -u
BIN=$(realpath "${1:?usage: tui_run_test.sh /path/to/concviz}")
SOCK=cvrun$$
. "$(dirname "$0")/tuilib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3) || { echo "SKIP: python3 not installed"; exit 0; }

cat >"$TMP/prog.py" <<'EOF'
import os, sys, time
from concviz_probe import _emit
_emit.lane()
_emit.emit("log", lane=0, text="probe says hello")
time.sleep(float(sys.argv[1]))
os.write(1, b"raw stdout line\n")
os.write(2, b"raw stderr line\n")
sys.exit(3)
EOF

shell_session run
# From the program's folder, so that the header (cut to the screen's
# width) holds the whole command.
T send-keys "cd $TMP && clear" Enter


# 1. A program that ends by itself: its lines, the end mark, status 3.
T send-keys "$BIN run -- $PY prog.py 0.2; echo status=\$?" Enter
wait_for 'probe says hello' 15 && ok "the probe's line shows" || fail "no probe line"
wait_for 'raw stdout line' && wait_for 'raw stderr line' && ok "the raw output shows as console lines" ||
    fail "no raw output lines"
wait_for 'prog.py 0.2 exited with status 3' 15 && ok "the end mark shows" || fail "no end mark"
screen | head -1 | grep -q 'concviz run .*prog.py 0.2' && ok "the header names the program" ||
    fail "the header does not name the program"
T send-keys q
restored "q after the end" 3

# 2. q while the program runs stops it.
T send-keys "$BIN run -- $PY prog.py 60; echo status=\$?" Enter
# Its probe line shows while it sleeps: the UI follows the FIFO live.
wait_for 'probe says hello' 15 && ok "a probe line shows while the program runs" ||
    fail "the probe's line did not show while the program ran"
wait_for 'LIVE' || fail "not live"
T send-keys q
wait_for 'quit\? y/n|status=' 5
screen | grep -q 'quit? y/n' && T send-keys y
restored "q while the program runs" 143
pgrep -f "prog.py 60\$" >/dev/null && fail "the program still runs" || ok "the program is gone"

tui_verdict tui_run
