# Helpers the shell tests share (sourced, not run): counting checks, and a
# `concviz serve-flags` on a free loopback port that goes away with the
# script.  The sourcing script sets BIN and TMP first.

passed=0
failed=0
SRV_PID=

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

# check "description" command...: passes if the command succeeds.
check() {
    local what=$1
    shift
    if "$@"; then ok; else bad "$what"; fi
}

# Prints the closing line ctest and CI read, and returns the verdict.
summary() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}

cleanup() {
    if [ -n "$SRV_PID" ]; then
        kill "$SRV_PID" 2>/dev/null || true
        wait "$SRV_PID" 2>/dev/null || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT

# start_flag_server [serve-flags options...]: sets URL, logs to
# $TMP/server.log; returns non-zero if the server did not come up.
start_flag_server() {
    "$BIN" serve-flags --port 0 "$@" >"$TMP/server.log" 2>&1 &
    SRV_PID=$!
    URL=
    for _ in $(seq 100); do
        URL=$(sed -n 's/^Serving flags on \([^ ]*\) .*/\1/p' "$TMP/server.log")
        [ -n "$URL" ] && return 0
        sleep 0.1
    done
    return 1
}
