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
TMP=$(mktemp -d)
T() { tmux -L "$SOCK" "$@"; }
cleanup() { T kill-session -t lesson 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

command -v tmux >/dev/null || { echo "SKIP: tmux not installed"; exit 0; }
FAILS=0
fail() { echo "FAIL: $*"; echo "--- screen:"; T capture-pane -p; echo "---"; FAILS=$((FAILS + 1)); }
ok() { echo "ok: $*"; }
wait_for() {
    local deadline=$((SECONDS + ${2:-10}))
    while [ $SECONDS -le $deadline ]; do
        T capture-pane -p | grep -Eq -- "$1" && return 0
        sleep 0.1
    done
    return 1
}
gone() { # waits for regex $1 to leave the screen
    local deadline=$((SECONDS + ${2:-10}))
    while [ $SECONDS -le $deadline ]; do
        T capture-pane -p | grep -Eq -- "$1" || return 0
        sleep 0.1
    done
    return 1
}

SAN=""
for v in ASAN_OPTIONS UBSAN_OPTIONS TSAN_OPTIONS; do
    [ -n "${!v:-}" ] && SAN="$SAN $v='${!v}'"
done
T new-session -d -x 120 -y 40 -s lesson "env -i PATH=$PATH TERM=tmux-256color HOME=$TMP LANG=C.UTF-8 $SAN PS1='PROMPT\$ ' bash --norc --noprofile"
T set-option -g status off
wait_for 'PROMPT\$' || fail "the shell did not start"

# 1. The first card opens with the screen; a key closes it and only that.
T send-keys "$BIN loiter --paused --speed 10; echo status=\$?" Enter
wait_for 'executor.map versus as_completed' && ok "the first card shows" || fail "no first card"
T send-keys ' '
gone 'executor.map versus' && ok "a key closes it" || fail "the card stayed"
wait_for 'PAUSED' && ok "the key only closed the card (still paused)" || fail "not paused"
T send-keys i
wait_for 'executor.map versus' && ok "i opens it again" || fail "i opened nothing"
T send-keys Escape
gone 'executor.map versus' || fail "Escape did not close it"

# 2. At the end of the run the end card opens by itself.
T send-keys End
wait_for 'loiter: the run is over' 30 && ok "the end card shows" || fail "no end card"
wait_for 'calls finished in submission order: 0, 1, 2, 3, 4' &&
    ok "the end card says the order" || fail "the end card lacks the order"
T send-keys x
gone 'the run is over' || fail "the end card stayed"
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

[ "$FAILS" = 0 ] && echo "all lesson card checks passed" || exit 1
