#!/usr/bin/env bash
# Runs the benchmarks side by side with CPython: `make bench`.
set -euo pipefail
BUILD=${1:-build}
cd "$(dirname "$0")/../.."
"$BUILD/tests/bench/bench_events" | grep -v '^concviz_'
out=$("$BUILD/tests/bench/bench_futures")
echo "$out" | grep -v '^concviz_us'
ours=$(echo "$out" | sed -n 's/^concviz_us_per_future_events_on=//p')
# A million futures through 32 workers: drops (0 unless --lossy), us per
# future (the median of 3 runs, and the first run into fresh memory), CPU,
# context switches, stalls.
"$BUILD/tests/bench/bench_stress" | grep -v "^stress_us="
py=$(python3 tests/bench/bench_futures.py | sed -n 's/^cpython_us_per_future=//p')
python3 -c "import sys; o,p=float(sys.argv[1]),float(sys.argv[2]); print(f'futures: CPython ThreadPoolExecutor {p:.2f} us per no-op future; concviz (events on) is {p/o:.1f}x faster')" "$ours" "$py"
if [ -x "$BUILD/tests/bench/bench_frame" ]; then "$BUILD/tests/bench/bench_frame" | grep -v '^frame_ms='; fi
# Replay at a million events, 200x60: first screen, frames, keys, bytes
# per event (a trace given as REPLAY_TRACE replaces the built stress log).
if [ -x "$BUILD/tests/bench/bench_replay" ]; then "$BUILD/tests/bench/bench_replay" ${REPLAY_TRACE:-}; fi
"$BUILD/tests/bench/bench_saves" "$BUILD"
# A million-event trace read back, against the cJSON reader it replaced.
"$BUILD/tests/bench/bench_trace_read" /tmp | grep -v '^trace_read_cjson_'
# Traces: ns and bytes per event written (plain and .zst), then what
# --trace costs a million-event run in CPU.
"$BUILD/tests/bench/bench_trace_write"
bash tests/bench/bench_trace_cpu.sh "$BUILD"
bash tests/bench/bench_flags.sh "$BUILD"
