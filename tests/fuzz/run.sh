#!/usr/bin/env bash
# A bounded fuzzing run (make fuzz, and .ci/run where clang exists):
# fuzz_replay for SECONDS over the seed traces, keeping what it learns in
# BUILD/fuzz-corpus between runs.  A crash, leak or hang (an input taking
# over 10 s) stops it with the input saved in BUILD/fuzz-artifacts; that
# input belongs in tests/fuzz/regressions, fixed, so that the normal suite
# (fuzz_regressions) replays it for ever.
set -euo pipefail
BUILD=${1:?usage: run.sh BUILD_DIR [SECONDS]}
SECONDS_=${2:-45}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$BUILD/fuzz-corpus" "$BUILD/fuzz-artifacts"
if "$BUILD/tests/fuzz/fuzz_replay" -max_total_time="$SECONDS_" -timeout=10 -rss_limit_mb=2048 \
    -max_len=131072 -dict="$SRC/tests/fuzz/trace.dict" -print_final_stats=1 \
    -artifact_prefix="$BUILD/fuzz-artifacts/" "$BUILD/fuzz-corpus" \
    "$SRC/tests/fuzz/regressions" "$SRC/tests/traces" "$SRC/tests/traces/refused" \
    "$SRC/tests/golden/traces" >"$BUILD/fuzz.log" 2>&1; then
    grep -E '^stat::number_of_executed_units|^Done' "$BUILD/fuzz.log" || true
    echo "fuzz: no crash or hang in ${SECONDS_} s"
else
    tail -n 60 "$BUILD/fuzz.log"
    echo "fuzz: FAILED; the input is in $BUILD/fuzz-artifacts/: fix the fault, then copy it to tests/fuzz/regressions/"
    exit 1
fi
