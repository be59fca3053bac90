#!/usr/bin/env bash
# A benchmark, not a test: the flags downloads of Fluent Python's chapter 20
# and 21 against `concviz serve-flags --delay 0.5` on a free loopback port,
# by concviz's three modes and by CPython (a thread pool over urllib, and
# asyncio with aiohttp) in the same invocation.  For each mode it prints the
# ideal time, delay x ceil(codes / concurrency), and how far off it is; for
# CPython, how many times concviz's time its own is.
#
# A third case does the same against a server we did not write: CPython's
# http.server with HTTP/1.1 keep-alive and a 0.2 s delay
# (bench_flags_pyserver.py), which sends headers and body separately.
# There the server itself is the limit (one Python process, a thread per
# connection, one GIL), so the case also times the leanest client at hand,
# curl --parallel (C, one thread, kept connections), when curl is
# installed: what any client can do against that server.  It also says how
# much CPU the server spent per request while concviz's thread pool ran:
# times a hundred, that is the time one GIL needs for each round.
#
# usage: tests/bench/bench_flags.sh BUILD_DIR [pyserver]
# (with "pyserver", only that case)
set -euo pipefail
BUILD=${1:?usage: bench_flags.sh BUILD_DIR [pyserver]}
ONLY=${2:-}
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=$(cd "$BUILD" && pwd)/concviz
PY=/usr/bin/python3 # Debian's, which has python3-aiohttp
DELAY=0.5
TMP=$(mktemp -d)
. "$HERE/../testlib.sh"

start_flag_server --delay "$DELAY" || true
[ -n "$URL" ] || { echo "bench_flags: serve-flags did not start" >&2; exit 1; }

# concviz MODE CONCURRENCY CODES...: the elapsed seconds.  The report
# rounds to 10 ms, so the figure comes from the trace instead: from the
# "... will be used." line, just before the clock starts, to the dashes,
# just after it stops (to the microsecond).
concviz() {
    local mode=$1 req=$2
    shift 2
    "$BIN" flags --headless -s "$URL" --mode "$mode" -m "$req" --dest "$TMP/c-$mode" \
        --trace "$TMP/trace.jsonl" "$@" >/dev/null
    "$PY" - "$TMP/trace.jsonl" <<'PY'
import json, sys
start = end = None
for line in open(sys.argv[1]):
    ev = json.loads(line)
    if ev.get('kind') != 'log':
        continue
    if ev['text'].endswith(' will be used.'):
        start = ev['t']
    elif ev['text'] == '-' * 20:
        end = ev['t']
print(f'{end - start:.4f}')
PY
}
# cpython SCRIPT CONCURRENCY CODES...: its elapsed seconds, or "n/a".
HAVE_AIOHTTP=1
"$PY" -c 'import aiohttp' 2>/dev/null || HAVE_AIOHTTP=0
cpython() {
    local script=$1 req=$2
    shift 2
    if [ "$script" = bench_flags_asyncio.py ] && [ "$HAVE_AIOHTTP" = 0 ]; then
        echo n/a
        return
    fi
    "$PY" "$HERE/$script" "$URL" "$TMP/py" "$req" "$@" | sed -n 's/^elapsed=\([0-9.]*\) .*/\1/p'
}
# ideal N CONCURRENCY: delay x ceil(N / concurrency).
ideal() { awk -v n="$1" -v c="$2" -v d="${3:-$DELAY}" 'BEGIN { printf "%.2f", d * int((n + c - 1) / c) }'; }
# vs TIME IDEAL: "+2%"
vs() { awk -v t="$1" -v i="$2" 'BEGIN { printf "%+.0f%%", (t / i - 1) * 100 }'; }
# ratio THEIRS OURS: "1.1x"
ratio() { [ "$1" = n/a ] && echo "python3-aiohttp missing" || awk -v p="$1" -v o="$2" 'BEGIN { printf "%.2fx", p / o }'; }
# ratio_of OURS THEIRS: "0.85x", the share of their time ours takes.
ratio_of() { [ "$2" = n/a ] && echo "python3-aiohttp missing" || awk -v o="$1" -v p="$2" 'BEGIN { printf "%.2fx", o / p }'; }
fmt() { [ "$1" = n/a ] && echo n/a || awk -v t="$1" 'BEGIN { printf "%.3fs", t }'; }
# server_cpu_ms: the Python server's CPU time so far, user and system.
server_cpu_ms() {
    awk -v hz="$(getconf CLK_TCK)" '{ printf "%d", ($14 + $15) * 1000 / hz }' \
        "/proc/$PYSRV_PID/stat" 2>/dev/null || echo 0
}
# per_request BEFORE_MS AFTER_MS REQUESTS: "0.86 ms"
per_request() { awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { printf "%.2f ms", (b - a) / n }'; }
# curl_line THREADPOOL ASYNC CURL: curl's time and concviz's share of it.
curl_line() {
    [ "$3" = n/a ] && { echo "n/a (curl missing)"; return; }
    echo "$(fmt "$3") (the server's limit; concviz/curl threadpool" \
        "$(ratio_of "$1" "$3"), async $(ratio_of "$2" "$3"))"
}
# curl_client CONCURRENCY CODES...: the seconds curl --parallel takes to
# fetch the codes from $URL, or n/a without curl.  The process's start
# (a few milliseconds) is counted too.
curl_client() {
    local req=$1 cfg=$TMP/curl.cfg cc t0 t1
    shift
    command -v curl >/dev/null || { echo n/a; return; }
    : >"$cfg"
    for cc in "$@"; do
        cc=${cc,,}
        printf 'url = "%s/%s/%s.gif"\noutput = "/dev/null"\n' "$URL" "$cc" "$cc" >>"$cfg"
    done
    t0=$(date +%s.%N)
    curl -s --no-progress-meter --parallel --parallel-immediate --parallel-max "$req" \
        -K "$cfg" 2>/dev/null || true
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }'
}

POP20=(BD BR CD CN DE EG ET FR ID IN IR JP MX NG PH PK RU TR US VN)
EVERY=()
for a in {A..Z}; do for b in {A..Z}; do EVERY+=("$a$b"); done; done

PYSRV_PID=
trap '[ -z "$PYSRV_PID" ] || kill "$PYSRV_PID" 2>/dev/null || true; cleanup' EXIT
pyserver_case() {
    # The files it serves: every flag, fetched from serve-flags.
    "$BIN" flags --headless -s "$URL" -a -m 100 --dest "$TMP/root/flags/all" >/dev/null
    for f in "$TMP"/root/flags/all/*.gif; do
        cc=$(basename "$f" .gif | tr A-Z a-z)
        mkdir -p "$TMP/root/flags/$cc"
        cp "$f" "$TMP/root/flags/$cc/$cc.gif"
    done
    local pdelay=0.2
    "$PY" "$HERE/bench_flags_pyserver.py" "$TMP/root" "$pdelay" >"$TMP/py-server.log" 2>&1 &
    PYSRV_PID=$!
    local port=
    for _ in $(seq 100); do
        port=$(sed -n 's/^port=//p' "$TMP/py-server.log")
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { echo "bench_flags: the Python server did not start" >&2; return 1; }
    local SAVED_URL=$URL
    URL="http://127.0.0.1:$port/flags"
    local tp as pt pa cu i c0 c1
    c0=$(server_cpu_ms)
    tp=$(concviz threadpool 100 -e)
    c1=$(server_cpu_ms)
    as=$(concviz async 100 -e)
    pt=$(cpython bench_flags_threads.py 100 "${EVERY[@]}")
    pa=$(cpython bench_flags_asyncio.py 100 "${EVERY[@]}")
    cu=$(curl_client 100 "${EVERY[@]}")
    i=$(ideal 676 100 "$pdelay")
    echo "flags 676 -m 100 @${pdelay}s from CPython http.server (HTTP/1.1 keep-alive):" \
        " threadpool $(fmt "$tp") (ideal $i, $(vs "$tp" "$i"))" \
        " async $(fmt "$as") (ideal $i, $(vs "$as" "$i"))" \
        " CPython threads $(fmt "$pt") (concviz/CPython $(ratio_of "$tp" "$pt"))" \
        " aiohttp $(fmt "$pa") (concviz/aiohttp $(ratio_of "$as" "$pa"))" \
        " curl --parallel $(curl_line "$tp" "$as" "$cu");" \
        " the server's CPU (one GIL) per request: $(per_request "$c0" "$c1" 676)"
    kill "$PYSRV_PID" 2>/dev/null || true
    wait "$PYSRV_PID" 2>/dev/null || true
    PYSRV_PID=
    URL=$SAVED_URL
}
if [ "$ONLY" = pyserver ]; then
    pyserver_case
    exit 0
fi

# The 20 flags with the book's default concurrency for each mode.
seq_t=$(concviz sequential 1 "${POP20[@]}")
tp_t=$(concviz threadpool 30 "${POP20[@]}")
as_t=$(concviz async 5 "${POP20[@]}")
pt_t=$(cpython bench_flags_threads.py 30 "${POP20[@]}")
pa_t=$(cpython bench_flags_asyncio.py 5 "${POP20[@]}")
tp_i=$(ideal 20 30)
as_i=$(ideal 20 5)
echo "flags 20 @${DELAY}s: sequential $(fmt "$seq_t") (ideal $(ideal 20 1), $(vs "$seq_t" "$(ideal 20 1)"))" \
    " threadpool -m 30 $(fmt "$tp_t") (ideal $tp_i, $(vs "$tp_t" "$tp_i"))" \
    " async -m 5 $(fmt "$as_t") (ideal $as_i, $(vs "$as_t" "$as_i"))" \
    " CPython threads $(fmt "$pt_t") ($(ratio "$pt_t" "$tp_t"))" \
    " aiohttp $(fmt "$pa_t") ($(ratio "$pa_t" "$as_t"))"

# Every code AA..ZZ (676, of which 482 are 404s) at -m 100.
tp_t=$(concviz threadpool 100 -e)
as_t=$(concviz async 100 -e)
pt_t=$(cpython bench_flags_threads.py 100 "${EVERY[@]}")
pa_t=$(cpython bench_flags_asyncio.py 100 "${EVERY[@]}")
e_i=$(ideal 676 100)
echo "flags 676 -m 100 @${DELAY}s: threadpool $(fmt "$tp_t") (ideal $e_i, $(vs "$tp_t" "$e_i"))" \
    " async $(fmt "$as_t") (ideal $e_i, $(vs "$as_t" "$e_i"))" \
    " CPython threads $(fmt "$pt_t") ($(ratio "$pt_t" "$tp_t"))" \
    " aiohttp $(fmt "$pa_t") ($(ratio "$pa_t" "$as_t"))"

pyserver_case
