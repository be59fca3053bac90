#!/usr/bin/env bash
# A benchmark, not a test: what --trace costs a run.  The CPU time (user +
# sys) of `concviz stress --futures 333333 --workers 32 --headless` (about
# a million events), without a trace, with --trace F.jsonl and with
# --trace F.jsonl.zst, the three interleaved in each round so that the
# machine's load falls on all alike; the median of ROUNDS (default 3) of
# each, and the ratios to the run without a trace (target for --trace:
# <= 1.10).  The traces go to a temporary directory under /tmp, removed
# afterwards.
#
# usage: tests/bench/bench_trace_cpu.sh BUILD_DIR [ROUNDS]
set -euo pipefail
BUILD=${1:?usage: bench_trace_cpu.sh BUILD_DIR [ROUNDS]}
ROUNDS=${2:-3}
BIN=$(cd "$BUILD" && pwd)/concviz
TMP=$(mktemp -d /tmp/concviz-bench-trace.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
RUN=(stress --futures 333333 --workers 32 --headless)

# cpu ARGS...: the run's user + sys seconds.
cpu() {
    local TIMEFORMAT='%U %S' t
    t=$( { time "$BIN" "${RUN[@]}" "$@" >/dev/null; } 2>&1 )
    awk '{printf "%.3f\n", $1 + $2}' <<<"$t"
}

median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

none=() jsonl=() zst=()
for _ in $(seq "$ROUNDS"); do
    none+=("$(cpu)")
    jsonl+=("$(cpu --trace "$TMP/t.jsonl")")
    zst+=("$(cpu --trace "$TMP/t.jsonl.zst")")
done
events=$(wc -l <"$TMP/t.jsonl")
jsonl_bytes=$(stat -c %s "$TMP/t.jsonl")
zst_bytes=$(stat -c %s "$TMP/t.jsonl.zst")
n=$(printf '%s\n' "${none[@]}" | median)
j=$(printf '%s\n' "${jsonl[@]}" | median)
z=$(printf '%s\n' "${zst[@]}" | median)
awk -v n="$n" -v j="$j" -v z="$z" -v e="$events" -v jb="$jsonl_bytes" -v zb="$zst_bytes" \
    -v load="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
    printf "trace_cpu_none_s=%.3f\ntrace_cpu_jsonl_s=%.3f\ntrace_cpu_zst_s=%.3f\n", n, j, z
    printf "trace_cpu_ratio=%.2f\ntrace_cpu_zst_ratio=%.2f\n", j / n, z / n
    printf "trace_cpu_jsonl_bytes_per_event=%.1f\ntrace_cpu_zst_bytes_per_event=%.1f\n", jb / e, zb / e
    printf "trace CPU: a %d-event stress run costs %.2fx its CPU with --trace F.jsonl (target <= 1.10) and %.2fx with F.jsonl.zst (%.3f s, %.3f s, %.3f s user+sys; load %s)\n",
           e, j / n, z / n, n, j, z, load
}'
