# Helpers the tmux tests share (sourced, not run).  Each test drives the
# real binary in a private tmux server (its own socket, so no other tmux on
# the machine is touched) and reads the screen back with capture-pane.
# The sourcing script sets BIN and SOCK first; this file sets TMP, removes
# it and the server on exit, and skips the test when tmux is missing.

command -v tmux >/dev/null || { echo "SKIP: tmux not installed"; exit 0; }

TMP=$(mktemp -d)
FAILS=0

T() { tmux -L "$SOCK" "$@"; }

# A replay that just quit may still hold a file in TMP for a moment, so the
# removal is tried again once.
tui_cleanup() {
    T kill-server 2>/dev/null
    rm -rf "$TMP" 2>/dev/null || { sleep 1; rm -rf "$TMP"; }
}
trap tui_cleanup EXIT

screen() { T capture-pane -p; }
caption() { screen | sed -n 2p; }
fail() { echo "FAIL: $*"; echo "--- screen:"; screen; echo "---"; FAILS=$((FAILS + 1)); }
ok() { echo "ok: $*"; }

# wait_for REGEX [SECONDS]: waits (10 s unless told) for the screen to match.
wait_for() {
    local deadline=$((SECONDS + ${2:-10}))
    while [ $SECONDS -le $deadline ]; do
        screen | grep -Eq -- "$1" && return 0
        sleep 0.1
    done
    return 1
}

# wait_gone REGEX [SECONDS]: waits (10 s unless told) for it to leave.
wait_gone() {
    local deadline=$((SECONDS + ${2:-10}))
    while [ $SECONDS -le $deadline ]; do
        screen | grep -Eq -- "$1" || return 0
        sleep 0.1
    done
    return 1
}

# The sanitizers' options must reach the binary through `env -i`.
SAN=""
for v in ASAN_OPTIONS UBSAN_OPTIONS TSAN_OPTIONS; do
    [ -n "${!v:-}" ] && SAN="$SAN $v='${!v}'"
done

# tui_env: the clean environment every session's command runs in.
tui_env() { echo "env -i PATH=$PATH TERM=tmux-256color HOME=$TMP LANG=C.UTF-8 $SAN"; }

# shell_session NAME [COLS ROWS]: a session (120x40 unless told) running a
# bare bash with the prompt "PROMPT$ ", so a test can type commands and
# read "status=N" after them.
shell_session() {
    T new-session -d -x "${2:-120}" -y "${3:-40}" -s "$1" "$(tui_env) PS1='PROMPT\$ ' bash --norc --noprofile"
    T set-option -g status off
    wait_for 'PROMPT\$' || fail "the shell did not start"
}

# restored WHAT STATUS: after a command typed into shell_session ended
# with "; echo status=$?", the UI must have exited with STATUS and left the
# terminal as it found it (main screen, cursor shown, the prompt back).
restored() {
    wait_for "status=$2" 10 || fail "$1: no exit status $2"
    [ "$(T display -p '#{alternate_on}')" = 0 ] || fail "$1: still on the alternate screen"
    [ "$(T display -p '#{cursor_flag}')" = 1 ] || fail "$1: cursor still hidden"
    screen | grep -v '^$' | tail -n 1 | grep -q '^PROMPT\$ *$' || fail "$1: no prompt after exit"
    ok "$1 restores the terminal (status $2)"
    T send-keys 'clear' Enter
    sleep 0.2
}

# tui_verdict NAME: the closing line ctest reads, and the exit status.
tui_verdict() {
    if [ "$FAILS" -eq 0 ]; then
        echo "all $1 checks passed"
        exit 0
    fi
    echo "$FAILS $1 check(s) failed"
    exit 1
}
