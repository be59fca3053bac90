#!/usr/bin/env bash
# End-to-end test of bookmarks: drives the real binary in a private tmux
# server.  On a paused live run, m with a text marks the playhead and the
# header shows the text; Enter alone gives a numbered mark; ' and " jump
# between marks; --marks FILE receives every mark at once, so quitting
# with q keeps them, and the trace written at the end holds them as
# bookmark lines; a replay with --marks, or of that trace alone, opens at
# the first mark; a bad
# marks file is refused with its line number (exit 2).
#
# usage: bash tests/tui_marks_test.sh /path/to/concviz
set -u
BIN=${1:?usage: tui_marks_test.sh /path/to/concviz}
SOCK=cvmarks$$
. "$(dirname "$0")/tuilib.sh"

header() { screen | sed -n 1p; }
event_no() { header | grep -Eo 'event [0-9]+' | grep -Eo '[0-9]+'; }

# 0. A bad marks file: one line on stderr naming the line, exit 2.
printf '# marks\n3\t0.1\tok\nnot a mark\n' > "$TMP/bad.marks"
out=$("$BIN" loiter --headless --count 1 --marks "$TMP/bad.marks" 2>&1 >/dev/null)
st=$?
[ $st = 2 ] && echo "$out" | grep -q "bad.marks:3:" && [ "$(echo "$out" | wc -l)" = 1 ] &&
    ok "a bad marks file is refused with its line number" || fail "bad marks file: status $st, said: $out"

shell_session ui

# 1. A paused live run: step, mark with a text, step on, mark with Enter alone.
M="$TMP/run.marks"
T send-keys "$BIN loiter --no-intro --count 4 --speed 4 --paused --trace $TMP/run.jsonl --marks $M; echo status=\$?" Enter
wait_for 'PAUSED' || fail "the run did not open paused"
T send-keys n n n
sleep 0.3
first=$(event_no)
T send-keys m
wait_for ' mark: ' || fail "m opened no prompt"
T send-keys -l 'pool full'
T send-keys Enter
wait_for "'pool full'" && ok "m marks the playhead and the header shows the text" || fail "no mark text in the header"
[ -s "$M" ] && grep -q "^$first	[0-9.]*	pool full\$" "$M" && ok "the mark is saved at once" ||
    fail "marks file: $(cat "$M" 2>/dev/null)"
T send-keys n n n n n
sleep 0.3
second=$(event_no)
header | grep -q "'pool full'" && fail "the mark text stays after stepping off it"
T send-keys m
wait_for ' mark: ' || fail "m opened no prompt (2)"
T send-keys Enter
wait_for "'mark 2'" && ok "Enter alone gives a numbered mark" || fail "no default mark text"

# 2. ' and " jump between the marks (round the ends).
T send-keys "'"
wait_for "'pool full'" && [ "$(event_no)" = "$first" ] && ok "' goes round to the first mark" ||
    fail "' did not jump to event $first"
T send-keys "'"
wait_for "'mark 2'" && [ "$(event_no)" = "$second" ] && ok "' goes to the next mark" ||
    fail "' did not jump to event $second"
T send-keys '"'
wait_for "'pool full'" && ok "\" goes to the previous mark" || fail "\" did not go back"

# 3. q after marking asks, y quits; the marks are on disk.
T send-keys q
wait_for 'quit\? y/n' || fail "q did not ask"
T send-keys y
wait_for 'status=0' 15 && ok "q y quits after marking" || fail "no clean exit"
[ "$(grep -vc '^#' "$M")" = 2 ] && ok "both marks are in the file after quitting" || fail "marks file: $(cat "$M")"
T send-keys clear Enter
sleep 0.2

# 4. A replay with --marks opens paused at the first mark.
if [ -s "$TMP/run.jsonl" ]; then
    T send-keys "$BIN replay --no-intro $TMP/run.jsonl --marks $M; echo status=\$?" Enter
    wait_for "'pool full'" && [ "$(event_no)" = "$first" ] && header | grep -q PAUSED &&
        ok "a replay opens paused at the first mark" || fail "the replay did not open at event $first"
    T send-keys q
    wait_for 'status=0' 10 || fail "the replay did not quit"
    # The trace itself keeps the marks: bookmark lines after the events.
    [ "$(grep -c '^{"bookmark":' "$TMP/run.jsonl")" = 2 ] && ok "the trace holds both bookmarks" ||
        fail "bookmarks in the trace: $(grep -c '^{"bookmark":' "$TMP/run.jsonl")"
    T send-keys clear Enter
    sleep 0.2
    T send-keys "$BIN replay --no-intro $TMP/run.jsonl; echo status=\$?" Enter
    wait_for "'pool full'" && [ "$(event_no)" = "$first" ] &&
        ok "a replay without --marks opens at the trace's first mark" || fail "the replay did not open at the trace's mark"
    T send-keys q
    wait_for 'status=0' 10 || fail "the replay did not quit (2)"
else
    fail "the run wrote no trace"
fi

# 5. A long trace is read behind the screen and its bookmarks come last:
# the replay still moves to the first once they arrive.
awk 'BEGIN {
    print "{\"seq\":0,\"t\":0,\"kind\":\"header\",\"scenario\":\"loiter\",\"args\":\"\",\"speed\":1}"
    for (i = 1; i <= 150000; i++)
        printf "{\"seq\":%d,\"t\":%.6f,\"kind\":\"log\",\"lane\":0,\"text\":\"line %d\",\"origin\":0}\n", i, i / 1e5, i
    print "{\"bookmark\":140000,\"demo_t\":1.4,\"text\":\"deep in\"}"
}' > "$TMP/long.jsonl"
T send-keys clear Enter
sleep 0.2
T send-keys "$BIN replay --no-intro $TMP/long.jsonl; echo status=\$?" Enter
# The mark's text shows as soon as the playhead is on it; the model may
# still be seeking there (a sanitizer build is slow), so wait for the
# header's event number itself.
wait_for "'deep in'.*event 140000/" 60 && [ "$(event_no)" = 140000 ] &&
    ok "a long trace's late bookmark moves the replay there" || fail "the long replay did not reach its bookmark"
T send-keys q
wait_for 'status=0' 10 || fail "the long replay did not quit"

tui_verdict "marks"
