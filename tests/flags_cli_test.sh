#!/usr/bin/env bash
# The flags command line, through the real binary against a
# `concviz serve-flags` on a free loopback port: bad input is one line on
# stderr and status 2 before any request (the server's log stays empty) or
# any directory is made; good runs print the book's report, save <CC>.gif
# files in --dest, and leave no temporary files; a progress bar goes to
# stderr only when it is a terminal; a reader that leaves early is a stop
# that still commits the trace.
set -u
BIN=${1:?usage: flags_cli_test.sh path/to/concviz}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
TMP=$(mktemp -d)
. "$(dirname "$0")/testlib.sh"

if ! start_flag_server; then
    echo "FAIL: serve-flags did not start"; cat "$TMP/server.log"
    echo "0 passed, 1 failed"
    exit 1
fi
requests() { grep -c ' GET ' "$TMP/server.log"; }

# expect_usage_error "description" args...: exit 2, one line on stderr, no
# request to the server, no --dest directory.
expect_usage_error() {
    local what=$1
    shift
    local before
    before=$(requests)
    "$BIN" flags --headless --dest "$TMP/never" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
    local rc=$?
    sleep 0.05
    if [ "$rc" -ne 2 ]; then bad "$what: exit $rc, want 2"; return; fi
    if [ "$(wc -l <"$TMP/err")" -ne 1 ]; then bad "$what: stderr is not one line:"; cat "$TMP/err"; return; fi
    if [ "$(requests)" -ne "$before" ]; then bad "$what: a request was sent"; return; fi
    if [ -e "$TMP/never" ]; then bad "$what: --dest was created"; return; fi
    ok
}

expect_usage_error "digit in a code" -s "$URL" CN 1X
expect_usage_error "three letters" -s "$URL" ABC
expect_usage_error "a dash in a code" -s "$URL" C-
expect_usage_error "bad code with -e" -s "$URL" -e 12
expect_usage_error "zero max-req" -s "$URL" -m 0 CN
expect_usage_error "too many max-req" -s "$URL" -m 1001 CN
expect_usage_error "zero limit" -s "$URL" -l 0 CN
expect_usage_error "huge limit" -s "$URL" -l 10001 CN
expect_usage_error "unknown server label" -s NOWHERE CN
expect_usage_error "not http" -s "ftp://127.0.0.1/flags" CN
expect_usage_error "unknown mode" -s "$URL" --mode fast CN
expect_usage_error "--delay with a URL" -s "$URL" --delay 1 CN
expect_usage_error "zero timeout" -s "$URL" --timeout 0 CN
grep -q "AA to ZZ" <(LC_ALL=C "$BIN" flags -s "$URL" Z9 2>&1) && ok || bad "code error does not say A to Z or AA to ZZ"
touch "$TMP/a-file"
"$BIN" flags --headless --dest "$TMP/a-file/sub" -s "$URL" CN >"$TMP/out" 2>"$TMP/err"
[ $? -eq 2 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && ok || bad "--dest under a file: not a usage error"

"$BIN" list | grep -q '^flags ' && ok || bad "list has no flags"
"$BIN" flags --help | grep -q -- '--max-req' && ok || bad "flags --help lacks --max-req"

# A good run: the book's report, in order, and the files.
strip() { sed -E 's/^\[[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}\] //' "$1"; }
before=$(requests)
if "$BIN" flags --headless -s "$URL" --dest "$TMP/d" CN us B >"$TMP/out" 2>"$TMP/err"; then ok; else bad "good run exit status"; fi
strip "$TMP/out" >"$TMP/lines"
[ "$(sed -n 1p "$TMP/lines")" = "URL site: $URL" ] && ok || bad "first line: $(sed -n 1p "$TMP/lines")"
[ "$(sed -n 2p "$TMP/lines")" = "Searching for 28 flags: from BA to US" ] && ok || bad "second line: $(sed -n 2p "$TMP/lines")"
[ "$(sed -n 3p "$TMP/lines")" = "28 concurrent connections will be used." ] && ok || bad "third line: $(sed -n 3p "$TMP/lines")"
grep -qx -- '--------------------' "$TMP/lines" && ok || bad "no dashes"
found=$(ls "$TMP/d" | grep -c '\.gif$')
grep -qx " *$found flags downloaded\." "$TMP/lines" && ok || bad "downloaded count is not the $found files"
grep -qE '^ *[0-9]+ not found\.$' "$TMP/lines" && ok || bad "no not-found line (BA..BZ has non-countries)"
grep -qE '^Elapsed time: [0-9]+\.[0-9]{2}s$' "$TMP/lines" && ok || bad "no elapsed time"
[ "$(($(requests) - before))" -eq 28 ] && ok || bad "$(($(requests) - before)) requests, want 28"
[ -f "$TMP/d/CN.gif" ] && [ -f "$TMP/d/US.gif" ] && [ -f "$TMP/d/BR.gif" ] && ok || bad "CN.gif, US.gif, BR.gif not saved"
[ "$(head -c 6 "$TMP/d/CN.gif")" = "GIF89a" ] && ok || bad "CN.gif is not a GIF"
ls -a "$TMP/d" | grep -q tmp && bad "temporary files left in --dest" || ok
[ -s "$TMP/err" ] && bad "stderr not empty without a terminal: $(head -c 200 "$TMP/err")" || ok

# Verbose: a line per code; the default --dest is ./downloaded.
mkdir -p "$TMP/w"
(cd "$TMP/w" && "$BIN" flags --headless -v -s "$URL" --mode sequential CN QQ >"$TMP/out" 2>&1)
strip "$TMP/out" >"$TMP/lines"
grep -qx 'CN OK' "$TMP/lines" && ok || bad "no 'CN OK' line"
grep -qx "QQ not found: $URL/qq/qq.gif" "$TMP/lines" && ok || bad "no 'QQ not found: URL' line"
grep -qx '1 connection will be used.' "$TMP/lines" && ok || bad "sequential does not use one connection"
[ -f "$TMP/w/downloaded/CN.gif" ] && ok || bad "default --dest is not ./downloaded"

# Errors: a closed port and a teapot server are reported, not crashed on.
"$BIN" flags --headless -v -s http://127.0.0.1:1 --dest "$TMP/d" --mode async CN US BR >"$TMP/out" 2>&1
rc=$?
strip "$TMP/out" >"$TMP/lines"
[ $rc -eq 0 ] && grep -qx '  3 errors.' "$TMP/lines" && ok || bad "closed port: exit $rc, $(tail -n 3 "$TMP/lines" | tr '\n' '|')"
grep -q '^CN error: ' "$TMP/lines" && ok || bad "closed port: no 'CN error:' line"
"$BIN" flags --headless -v -s ERROR --delay 0 --error-rate 1 --dest "$TMP/d" CN >"$TMP/out" 2>&1
grep -q "CN error: HTTP error 418 - I'm a Teapot" "$TMP/out" && ok || bad "no teapot error line"

# Compare: the three reports, then the table.
"$BIN" flags --headless --mode compare -s "$URL" --dest "$TMP/c" CN US >"$TMP/out" 2>&1
strip "$TMP/out" >"$TMP/lines"
[ "$(grep -c '^Elapsed time: ' "$TMP/lines")" -eq 3 ] && ok || bad "compare: not three reports"
for m in sequential threadpool async; do
    grep -qE "^$m +[0-9]+\.[0-9]{2}s +2 +0 +0$" "$TMP/lines" && ok || bad "compare: no $m row"
done
# Its trace says where each section starts (the UI stacks them from
# that): three planned (code 3), then each as it starts (code 2), in order.
"$BIN" flags --headless --mode compare -s "$URL" --dest "$TMP/c" --trace "$TMP/c.jsonl" CN >/dev/null 2>&1
marks=$(grep '"kind":"mark"' "$TMP/c.jsonl" | sed -n 's/.*"text":"\([a-z]*\)","code":\([0-9]\).*/\2\1/p' | tr '\n' ' ')
[ "$marks" = "3sequential 3threadpool 3async 2sequential 2threadpool 2async " ] && ok ||
    bad "compare: section marks are '$marks'"
# A transfer that times out fails with its own code (-11), not -1.
"$BIN" flags --headless -s ERROR --delay 3 --error-rate 0 --timeout 0.3 --dest "$TMP/d" \
    --trace "$TMP/t.jsonl" CN >/dev/null 2>&1
grep -q '"state":"failed".*"code":-11' "$TMP/t.jsonl" && ok || bad "timeout: no code -11"

# A progress bar when stderr is a terminal (and only then).
if python3 - "$BIN" "$URL" "$TMP" <<'PY'
import os, pty, select, subprocess, sys
binary, url, tmp = sys.argv[1:4]
master, slave = pty.openpty()
with open(os.path.join(tmp, "bar.out"), "w") as out:
    p = subprocess.run([binary, "flags", "--headless", "-s", url, "--dest", tmp + "/bar", "CN", "US"],
                       stdout=out, stderr=slave, stdin=subprocess.DEVNULL, timeout=60)
os.close(slave)
data = b""
while select.select([master], [], [], 0.5)[0]:
    try:
        chunk = os.read(master, 4096)
    except OSError:
        break
    if not chunk:
        break
    data += chunk
sys.exit(0 if p.returncode == 0 and b"2/2" in data else 1)
PY
then ok; else bad "no progress bar on a terminal"; fi

# A reader that leaves early (| head -1): the run stops as for Ctrl-C, its
# trace is committed whole, no temporary file is left anywhere, and the
# status is not 141 (a death by SIGPIPE, which left a temporary file).
"$BIN" flags --headless -v -s "$URL" --mode sequential --dest "$TMP/pipe" \
    --trace "$TMP/pipe.jsonl" B C D 2>"$TMP/pipe.err" | head -1 >/dev/null
rc=${PIPESTATUS[0]}
if [ "$rc" -ne 0 ]; then bad "| head -1: exit $rc, want 0"; cat "$TMP/pipe.err"
elif [ ! -s "$TMP/pipe.jsonl" ]; then bad "| head -1: no trace"
elif ! python3 -c 'import json, sys
lines = open(sys.argv[1]).read().split("\n")
assert lines[-1] == "", "the last line is cut"
assert [json.loads(l)["seq"] for l in lines[:-1]] == list(range(len(lines) - 1))' "$TMP/pipe.jsonl"
then bad "| head -1: the trace is not whole"
elif ls "$TMP" "$TMP/pipe" | grep -q '\.tmp'; then bad "| head -1: a temporary file was left"
else ok; fi

summary
