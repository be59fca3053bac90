#!/usr/bin/env bash
# concviz export --to perfetto, checked by reading the JSON back against the
# trace it came from: every lane has a thread_name, every future that ran is
# a slice on its lane with the trace's duration (to 1 µs), every flow that
# goes out comes in with the same id, timestamps go forward on each track,
# console lines are instants; GIL waits appear when the trace has GIL
# events.  Bad input is one line on stderr, status 2, and no output file.
set -u
BIN=${1:?usage: export_test.sh path/to/concviz}
TMP=$(mktemp -d)
. "$(dirname "$0")/testlib.sh"
trap cleanup EXIT

# read_back TRACE JSON: the structural checks, in Python's json module (a
# parser that is not ours).
read_back() {
    python3 - "$1" "$2" <<'PY'
import json, sys
trace = [json.loads(l) for l in open(sys.argv[1]) if '"seq"' in l]
doc = json.load(open(sys.argv[2]))
ev = doc["traceEvents"]
problems = []
names = {e["tid"]: e["args"]["name"] for e in ev if e["ph"] == "M" and e["name"] == "thread_name"}
for t in trace:
    if t["kind"] == "thread" and t["state"] == "started":
        if names.get(t["lane"] + 1) != t.get("name"):
            problems.append("lane %d has no thread_name %r" % (t["lane"], t.get("name")))
# Every future that ran: a slice on its lane with its duration.
start = {}
want = {}
for t in trace:
    if t["kind"] == "future" and t["state"] == "running":
        start[t["id"]] = t
    elif t["kind"] == "future" and t["state"] in ("finished", "failed", "cancelled") and t["id"] in start:
        s = start.pop(t["id"])
        want[t["id"]] = (s["lane"] + 1, s["t"] * 1e6, (t["t"] - s["t"]) * 1e6)
got = {}
for e in ev:
    if e["ph"] == "X" and e.get("cat") == "future":
        got[int(e["bind_id"], 16)] = (e["tid"], e["ts"], e["dur"])
if not want:
    problems.append("the trace has no future that ran")
for fid, (tid, ts, dur) in want.items():
    g = got.get(fid)
    if g is None or g[0] != tid or abs(g[1] - ts) > 1 or abs(g[2] - dur) > 1:
        problems.append("future %d: want %r, got %r" % (fid, (tid, ts, dur), g))
outs = sorted(e["bind_id"] for e in ev if e.get("flow_out"))
ins = set(e["bind_id"] for e in ev if e.get("flow_in"))
if not outs or any(i not in ins for i in outs):
    problems.append("a flow goes out and never comes in")
last = {}
for e in ev:
    if e["ph"] in ("X", "i"):
        if e["ts"] < last.get(e["tid"], 0):
            problems.append("ts goes back on track %d at %r" % (e["tid"], e["ts"]))
        last[e["tid"]] = e["ts"]
logs = sum(1 for t in trace if t["kind"] == "log")
if sum(1 for e in ev if e.get("cat") == "console") != logs:
    problems.append("console instants differ from the trace's %d lines" % logs)
marks = sum(1 for t in trace if t["kind"] == "mark")
if sum(1 for e in ev if e.get("cat") == "mark" and e["ph"] == "i") != marks:
    problems.append("mark instants differ from the trace's %d marks" % marks)
gil = any(t["kind"] == "gil" for t in trace)
if gil and not any(e.get("cat") == "gil" for e in ev):
    problems.append("GIL events but no GIL wait slice")
for p in problems[:10]:
    print(p)
sys.exit(1 if problems else 0)
PY
}

"$BIN" loiter --headless --speed 20 --trace "$TMP/l.jsonl" >/dev/null 2>&1
check "export of loiter" "$BIN" export "$TMP/l.jsonl" --to perfetto "$TMP/l.json"
check "loiter read back" read_back "$TMP/l.jsonl" "$TMP/l.json"
"$BIN" primes --headless --speed 50 --trace "$TMP/p.jsonl" >/dev/null 2>&1
check "export of primes" "$BIN" export "$TMP/p.jsonl" --to perfetto "$TMP/p.json"
check "primes read back" read_back "$TMP/p.jsonl" "$TMP/p.json"

# expect_usage_error "description" args...: status 2, one line, no output.
expect_usage_error() {
    local what=$1
    shift
    rm -f "$TMP/o.json"
    "$BIN" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
    local rc=$?
    if [ "$rc" -ne 2 ]; then bad "$what: exit $rc, want 2"; return; fi
    if [ "$(wc -l <"$TMP/err")" -ne 1 ]; then bad "$what: not one line on stderr:"; cat "$TMP/err"; return; fi
    if [ -e "$TMP/o.json" ]; then bad "$what: left an output file"; return; fi
    ok
}
head -c 300 "$TMP/l.jsonl" >"$TMP/cut.jsonl"
printf '{"seq":0,"t":0,"kind":"header"}\n{"seq":5,"t":0,"kind":"log"}\n' >"$TMP/bad.jsonl"
expect_usage_error "unknown format" export "$TMP/l.jsonl" --to svg "$TMP/o.json"
expect_usage_error "missing trace" export "$TMP/nosuch.jsonl" --to perfetto "$TMP/o.json"
expect_usage_error "malformed trace" export "$TMP/bad.jsonl" --to perfetto "$TMP/o.json"
expect_usage_error "no --to" export "$TMP/l.jsonl" "$TMP/o.json"
expect_usage_error "no arguments" export

summary
