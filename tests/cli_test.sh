#!/usr/bin/env bash
# The command-line contract, driven through the real binary: bad input is
# one line on stderr and status 2 with no trace left behind; headless loiter
# prints the book's lines in the book's order; the trace follows the format.
set -u
BIN=${1:?usage: cli_test.sh path/to/concviz}
TMP=$(mktemp -d)
. "$(dirname "$0")/testlib.sh"

# expect_usage_error "description" args...
expect_usage_error() {
    local what=$1
    shift
    rm -f "$TMP/t.jsonl"
    "$BIN" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
    local rc=$?
    local lines
    lines=$(wc -l <"$TMP/err")
    if [ "$rc" -ne 2 ]; then bad "$what: exit $rc, want 2"; return; fi
    if [ "$lines" -ne 1 ]; then bad "$what: $lines lines on stderr, want 1:"; cat "$TMP/err"; return; fi
    if ls "$TMP"/t.jsonl* >/dev/null 2>&1; then bad "$what: left a trace file behind"; return; fi
    ok
}

T="$TMP/t.jsonl"
expect_usage_error "no arguments"
expect_usage_error "unknown scenario" nosuch --trace "$T"
expect_usage_error "unknown option" loiter --bogus --trace "$T"
expect_usage_error "missing value" loiter --trace "$T" --workers
expect_usage_error "non-numeric" loiter --workers many --trace "$T"
expect_usage_error "zero workers" loiter --workers 0 --trace "$T"
expect_usage_error "zero speed" loiter --speed 0 --trace "$T"
expect_usage_error "negative speed" loiter --speed -2 --trace "$T"
expect_usage_error "huge count" loiter --count 99999999999 --trace "$T"
expect_usage_error "stray argument" loiter extra --trace "$T"
expect_usage_error "bad sleeps" loiter --sleeps 3,x --trace "$T"
expect_usage_error "sleep out of range" loiter --sleeps 3,99 --trace "$T"
expect_usage_error "flag with a value" loiter --headless=yes --trace "$T"
expect_usage_error "too many futures" stress --futures 2000001 --trace "$T"
expect_usage_error "too many workers" stress --workers 257 --trace "$T"
expect_usage_error "lossy with a value" stress --lossy=yes --trace "$T"
expect_usage_error "screenshot without --at" loiter --screenshot "$TMP/s.txt" --trace "$T"
expect_usage_error "screenshot format" loiter --screenshot "$TMP/s.png" --at 1 --trace "$T"
expect_usage_error "trace in a missing directory" loiter --trace "$TMP/no/such/dir/t.jsonl"
expect_usage_error "screenshot in a missing directory" loiter --screenshot "$TMP/no/such/s.svg" --at 1 --trace "$T"
expect_usage_error "replay without a file" replay
expect_usage_error "replay of a missing file" replay "$TMP/none.jsonl"
echo "not json" >"$TMP/junk.jsonl"
expect_usage_error "replay of a non-trace" replay "$TMP/junk.jsonl"
grep -q "line 1" "$TMP/err" && ok || bad "replay error does not name the line"

# --help, --version, list.
"$BIN" --version | grep -Eq '^concviz [0-9]+\.[0-9]+\.[0-9]+$' && ok || bad "--version"
"$BIN" list | grep -q '^loiter ' && ok || bad "list has no loiter"
"$BIN" loiter --help | grep -q -- '--workers' && ok || bad "loiter --help lacks --workers"

# Headless loiter: the book's lines in the book's order.
if "$BIN" loiter --headless --speed 10 --trace "$T" >"$TMP/out" 2>"$TMP/err"; then ok; else bad "loiter exit status"; fi
sed -E 's/^\[[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}\] //' "$TMP/out" >"$TMP/lines"
[ "$(head -n1 "$TMP/lines")" = "Script starting." ] && ok || bad "first line is not 'Script starting.'"
grep -q '^results: <generator object' "$TMP/lines" && ok || bad "no results line"
[ "$(grep -c '^result [0-4]: ' "$TMP/lines")" -eq 5 ] && ok || bad "not five result lines"
[ "$(grep '^result ' "$TMP/lines" | tr '\n' '|')" = "result 0: 0|result 1: 10|result 2: 20|result 3: 30|result 4: 40|" ] \
    && ok || bad "results out of order"
grep -qP '^\t\t\tloiter\(3\): doing nothing for 3s\.\.\.$' "$TMP/lines" && ok || bad "tabs before loiter(3)"
awk '/Waiting for individual results/{w=NR} /^result 0/{r=NR} END{exit !(w && r && w < r)}' "$TMP/lines" \
    && ok || bad "'Waiting for individual results:' not before result 0"
[ -s "$TMP/err" ] && bad "stderr not empty: $(head -c 200 "$TMP/err")" || ok

# The trace follows the contract.
if python3 - "$T" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
states = {"pending", "running", "finished", "failed", "cancelled"}
last_t = 0.0
logs = []
for i, line in enumerate(lines):
    o = json.loads(line)
    assert o["seq"] == i, f"seq {o['seq']} at line {i}"
    assert isinstance(o["t"], float) and o["t"] >= last_t, f"t at line {i}"
    last_t = o["t"]
    if o["kind"] == "future":
        assert o["state"] in states and isinstance(o["id"], int) and o["label"].startswith("loiter(")
        if o["state"] in ("running", "finished"):
            assert "lane" in o, f"no lane at line {i}"
        if o["state"] == "finished":
            assert o["result"] == str(10 * int(o["label"][7:-1]))
    if o["kind"] == "log":
        logs.append(o["text"])
assert lines and json.loads(lines[0])["kind"] == "header"
assert logs[0] == "Script starting." and "\t\t\tloiter(3): done." in logs, logs
PY
then ok; else bad "trace does not follow the contract"; fi

# A replayed trace prints the same console lines (stdout is not a tty).
"$BIN" replay "$T" | sed -E 's/^\[[^]]*\] //' >"$TMP/replayed"
diff -q "$TMP/lines" "$TMP/replayed" >/dev/null && ok || bad "replay prints different lines"

# A run killed by SIGTERM exits promptly and leaves a whole trace.
"$BIN" loiter --headless --trace "$TMP/k.jsonl" >/dev/null 2>&1 &
pid=$!
sleep 0.5
kill -TERM $pid
wait $pid
rc=$?
[ "$rc" -eq 143 ] && ok || bad "SIGTERM exit status $rc, want 143"
python3 -c "import json,sys; [json.loads(l) for l in open(sys.argv[1])]" "$TMP/k.jsonl" && ok || bad "trace after SIGTERM is not whole"
ls "$TMP"/k.jsonl.tmp* >/dev/null 2>&1 && bad "temporary trace left behind" || ok

summary
