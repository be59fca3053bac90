#!/usr/bin/env bash
# Themes and colours through the real binary, on a recorded trace: every
# --theme paints the SVG in its own colours; --no-color and a non-empty
# NO_COLOR give a monochrome SVG (the page's two colours and nothing else);
# an empty NO_COLOR counts as unset (no-color.org); a bad theme is a usage
# error.
set -u
BIN=${1:?usage: theme_test.sh path/to/concviz}
TMP=$(mktemp -d)
. "$(dirname "$0")/testlib.sh"
TRACE="$(dirname "$0")/../screenshots/traces/loiter.jsonl"

# shot NAME [env...] -- [options...]: the SVG of loiter at demo 1.05 s.
shot() {
    local name=$1
    shift
    local envs=()
    while [ "$1" != -- ]; do envs+=("$1"); shift; done
    shift
    env -u NO_COLOR "${envs[@]}" "$BIN" replay "$TRACE" --screenshot "$TMP/$name.svg" --at 1.05 --size 100x30 "$@" \
        || bad "$name: exit $?"
}

differ() { ! cmp -s "$1" "$2"; }

# The distinct colours a screenshot uses.
colors() { grep -o 'fill="#[0-9a-f]*"' "$TMP/$1.svg" | sort -u | wc -l; }

shot dark --
shot dark2 -- --theme dark
shot light -- --theme light
shot hc -- --theme high-contrast
shot mono -- --no-color
shot light-mono -- --theme light --no-color
shot env-empty NO_COLOR= --
shot env-set NO_COLOR=1 --

check "dark is the default" cmp -s "$TMP/dark.svg" "$TMP/dark2.svg"
check "light differs from dark" differ "$TMP/dark.svg" "$TMP/light.svg"
check "high-contrast differs from dark" differ "$TMP/dark.svg" "$TMP/hc.svg"
check "high-contrast differs from light" differ "$TMP/light.svg" "$TMP/hc.svg"
check "dark page is dark" grep -q 'fill="#1e1e1e"' "$TMP/dark.svg"
check "light page is light" grep -q 'fill="#fafafa"' "$TMP/light.svg"
check "light uses Okabe-Ito bluish green for running" grep -q '#009e73' "$TMP/light.svg"
check "dark has several colours" [ "$(colors dark)" -ge 5 ]
check "monochrome has two colours" [ "$(colors mono)" -le 2 ]
check "light monochrome has two colours" [ "$(colors light-mono)" -le 2 ]
check "light monochrome is still light" grep -q 'fill="#fafafa"' "$TMP/light-mono.svg"
# Cells are drawn one per <tspan>: the mono screen has as many as the dark.
check "monochrome keeps the text" [ "$(grep -o '<tspan x' "$TMP/mono.svg" | wc -l)" -eq "$(grep -o '<tspan x' "$TMP/dark.svg" | wc -l)" ]
check "an empty NO_COLOR is not set" cmp -s "$TMP/dark.svg" "$TMP/env-empty.svg"
check "a non-empty NO_COLOR is --no-color" cmp -s "$TMP/mono.svg" "$TMP/env-set.svg"

# A bad theme: one line on stderr, status 2.
"$BIN" replay "$TRACE" --theme sepia --screenshot "$TMP/x.svg" --at 1 >"$TMP/out" 2>"$TMP/err"
rc=$?
check "bad theme exits 2" [ "$rc" -eq 2 ]
check "bad theme says one line" [ "$(wc -l <"$TMP/err")" -eq 1 ]
check "bad theme leaves no screenshot" [ ! -e "$TMP/x.svg" ]
"$BIN" loiter --theme sepia --headless >"$TMP/out" 2>"$TMP/err"
check "bad theme exits 2 for a scenario" [ $? -eq 2 ]

summary
