#!/usr/bin/env bash
# concviz run -- PROGRAM ARGS... without the UI, end to end with the real
# python3 and the real FIFO.  The programs emit through the probe's own
# emitter (concviz_probe._emit) or write raw lines into $CONCVIZ_EVENTS,
# so that the test does not depend on the probe's instrumentation.  It
# checks: the output passes through byte for byte; the exit status is the
# program's (0, 3, 137 for SIGKILL, 143 for a SIGTERM passed on); the
# trace's last event is the end mark saying so; a forked child's lanes are
# its own, distinct and dense; seq is gapless and t never goes back; a
# malformed line is dropped and counted, not fatal; `concviz replay` reads
# the trace; bad input is one line and status 2 or 127; the private
# directory is gone afterwards.
#
# usage: bash tests/run_program_test.sh /path/to/concviz
set -u
BIN=${1:?usage: run_program_test.sh /path/to/concviz}
# The python3 of the README's Debian set-up, else the one on PATH.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3) || { echo "SKIP: python3 not installed"; exit 0; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# The run's private directory goes under TMPDIR: it must be empty after.
export TMPDIR=$TMP/tmpdir
mkdir "$TMPDIR"
FAILS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
ok() { echo "ok: $*"; }

# check_trace FILE: seq gapless from 0, t never back, the lanes used dense
# from 0; prints the last event's JSON.
check_trace() {
    "$PY" - "$1" <<'EOF'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
assert evs[0]["kind"] == "header" and evs[0]["scenario"] == "run", evs[0]
for i, e in enumerate(evs):
    assert e["seq"] == i, ("seq gap", i, e)
    if i:
        assert e["t"] >= evs[i - 1]["t"], ("t went back", e)
lanes = {e[k] for e in evs[1:] for k in ("lane", "origin") if k in e and e[k] >= 0}
assert lanes == set(range(len(lanes))), ("lanes not dense", sorted(lanes))
print(json.dumps(evs[-1]))
EOF
}

# 1. Output passes through byte for byte (stdout and stderr, bytes that are
# not UTF-8, no final newline), and the status is the program's.
cat >"$TMP/out.py" <<'EOF'
import os, sys
sys.stdout.write("line one\n")
sys.stdout.flush()
sys.stdout.buffer.write(b"\xff\xfe not utf-8\n")
sys.stdout.buffer.flush()
sys.stderr.write("to stderr\n")
os.write(1, b"raw, no newline")
EOF
"$PY" "$TMP/out.py" >"$TMP/want.out" 2>"$TMP/want.err"
"$BIN" run --headless -- "$PY" "$TMP/out.py" >"$TMP/got.out" 2>"$TMP/got.err"
rc=$?
[ $rc = 0 ] || fail "a program that exits 0: status $rc"
cmp -s "$TMP/want.out" "$TMP/got.out" && cmp -s "$TMP/want.err" "$TMP/got.err" &&
    ok "headless output passes through byte for byte" || fail "the output changed: $(od -c "$TMP/got.out" | head -3)"

# 2. Status 3, with the trace's end mark.
cat >"$TMP/emit.py" <<'EOF'
import sys
from concviz_probe import _emit
_emit.lane()  # main is lane 0
_emit.emit("log", lane=0, text="hello from the probe")
sys.exit(int(sys.argv[1]))
EOF
"$BIN" run --headless --trace "$TMP/t3.jsonl" -- "$PY" "$TMP/emit.py" 3 >/dev/null
rc=$?
[ $rc = 3 ] && ok "concviz exits with the program's status 3" || fail "status $rc, not 3"
last=$(check_trace "$TMP/t3.jsonl") || fail "trace of status 3: $last"
echo "$last" | grep -q '"code": 4' && echo "$last" | grep -q '"ref": 3' &&
    echo "$last" | grep -q 'emit.py 3 exited with status 3' &&
    ok "the last event is the end mark: $last" || fail "end mark: $last"
grep -q '"text":"hello from the probe"' "$TMP/t3.jsonl" && ok "the probe's line is in the trace" ||
    fail "no probe line in the trace"
"$BIN" replay "$TMP/t3.jsonl" >"$TMP/replay.out" 2>&1
rc=$?
[ $rc = 0 ] && grep -q 'hello from the probe' "$TMP/replay.out" && ok "concviz replay reads the trace" ||
    fail "replay: status $rc: $(head -2 "$TMP/replay.out")"

# 3. A program killed by SIGKILL: 137, and the mark says so.
cat >"$TMP/kill.py" <<'EOF'
import os, signal
from concviz_probe import _emit
_emit.emit("log", lane=_emit.lane(), text="about to die")
os.kill(os.getpid(), signal.SIGKILL)
EOF
"$BIN" run --headless --trace "$TMP/t9.jsonl.zst" -- "$PY" "$TMP/kill.py"
rc=$?
[ $rc = 137 ] && ok "a SIGKILLed program: status 137" || fail "SIGKILL: status $rc"
if command -v zstd >/dev/null; then
    zstd -dqc "$TMP/t9.jsonl.zst" >"$TMP/t9.jsonl"
    last=$(check_trace "$TMP/t9.jsonl") || fail "trace of SIGKILL: $last"
    echo "$last" | grep -q 'killed by signal 9 (SIGKILL)' && echo "$last" | grep -q '"ref": 137' &&
        ok "the .zst trace ends with 'killed by signal 9 (SIGKILL)'" || fail "end mark: $last"
fi

# 4. A program that forks: both processes emit from lane 0 and a thread;
# the child's lanes are not the parent's, and all are dense.
cat >"$TMP/fork.py" <<'EOF'
import os, threading
from concviz_probe import _emit
_emit.lane()
_emit.emit("log", lane=0, text="parent main")
pid = os.fork()
if pid == 0:
    _emit.after_fork_in_child()
    _emit.lane()
    who = "child"
else:
    who = "parent"
_emit.emit("log", lane=0, text=who + " after fork")
def work():
    _emit.emit("thread", lane=_emit.lane(), state="started", name=who + " worker")
t = threading.Thread(target=work)
t.start()
t.join()
if pid:
    os.waitpid(pid, 0)
EOF
"$BIN" run --headless --trace "$TMP/fork.jsonl" -- "$PY" "$TMP/fork.py"
rc=$?
[ $rc = 0 ] || fail "fork: status $rc"
if out=$(check_trace "$TMP/fork.jsonl" && "$PY" - "$TMP/fork.jsonl" <<'EOF'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])][1:]
lane = {}
for e in evs:
    t = e.get("text") or e.get("name") or ""
    for who in ("parent main", "parent after fork", "child after fork", "parent worker", "child worker"):
        if t == who:
            lane[who] = e["lane"]
assert len(lane) == 5, lane
assert lane["parent main"] == lane["parent after fork"] == 0, lane
assert len({lane["child after fork"], lane["parent worker"], lane["child worker"], 0}) == 4, lane
print(lane)
EOF
); then ok "fork: distinct, dense lanes $(echo "$out" | tail -1)"; else fail "fork lanes: $out"; fi

# 5. Malformed lines are dropped and counted; the run goes on.
cat >"$TMP/bad.py" <<'EOF'
import os
from concviz_probe import _emit
fd = os.open(os.environ["CONCVIZ_EVENTS"], os.O_WRONLY)
os.write(fd, b'not json\n')
os.write(fd, b'{"t":0.1,"kind":"log","lane":0,"text":"no pid","origin":0}\n')
os.write(fd, b'{"t":0.1,"kind":"header","pid":1,"origin":0}\n')
os.write(fd, b'{"t":0.2,"kind":"log","lane":0,"text":"good raw line","origin":0,"pid":%d}\n' % os.getpid())
os.write(fd, b'{"t":0.3,"kind":"log","lane":0,"text":"cut sho')
EOF
"$BIN" run --headless --trace "$TMP/bad.jsonl" -- "$PY" "$TMP/bad.py"
rc=$?
[ $rc = 0 ] || fail "malformed lines: status $rc"
drops=$(grep -c '"kind":"drop"' "$TMP/bad.jsonl")
[ "$drops" = 4 ] && grep -q 'good raw line' "$TMP/bad.jsonl" &&
    grep -q 'refused (line [0-9]*: a line needs \\"pid\\"' "$TMP/bad.jsonl" &&
    ok "4 malformed lines dropped and said why, the good one kept" ||
    fail "malformed lines: $drops drops: $(grep -E 'drop|refused' "$TMP/bad.jsonl")"
check_trace "$TMP/bad.jsonl" >/dev/null || fail "the trace with refused lines is not well formed"

# 6. SIGTERM to concviz reaches the program: 143.
cat >"$TMP/sleep.py" <<'EOF'
import time
time.sleep(30)
EOF
"$BIN" run --headless -- "$PY" "$TMP/sleep.py" &
cpid=$!
sleep 1
kill -TERM $cpid
wait $cpid
rc=$?
[ $rc = 143 ] && ok "SIGTERM to concviz is passed on: status 143" || fail "SIGTERM: status $rc"

# 7. Bad input: one line, status 2 or 127, nothing run.
bad() { # want-status what args...
    local want=$1 what=$2
    shift 2
    "$BIN" run "$@" >"$TMP/bad.out" 2>"$TMP/bad.err"
    local rc=$?
    [ $rc = "$want" ] && [ "$(wc -l <"$TMP/bad.err")" = 1 ] && [ ! -s "$TMP/bad.out" ] &&
        ok "$what: status $want, one line: $(cat "$TMP/bad.err")" ||
        fail "$what: status $rc, stderr: $(cat "$TMP/bad.err")"
}
bad 2 "no --" "$PY" "$TMP/emit.py" 0
bad 2 "no program after --" --headless --
bad 2 "no -- nor program"
bad 2 "an unknown option" --bogus -- "$PY" "$TMP/emit.py" 0
bad 127 "a program not found" -- no-such-program-here
bad 127 "a file that is not executable" -- "$TMP/emit.py"

# 8. Nothing left behind in TMPDIR.
left=$(ls -A "$TMPDIR")
[ -z "$left" ] && ok "the private directories are gone" || fail "left in TMPDIR: $left"

if [ $FAILS -eq 0 ]; then
    echo "all run_program checks passed"
    exit 0
fi
echo "$FAILS run_program check(s) failed"
exit 1
