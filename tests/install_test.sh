#!/usr/bin/env bash
# The install: `cmake --install` into a temporary prefix puts the binary,
# the man page and the bash completion in place; the man page is valid roff
# and documents every scenario and every option that the binary's own
# --help lists (so a new option cannot be missing from it); the completion
# completes commands, options and the values of options with choices.
set -u
BIN=${1:?usage: install_test.sh path/to/concviz}
BUILD=$(cd "$(dirname "$BIN")" && pwd) # the binary sits at the top of its build dir
TMP=$(mktemp -d)
. "$(dirname "$0")/testlib.sh"

PREFIX=$TMP/prefix
if cmake --install "$BUILD" --prefix "$PREFIX" >"$TMP/install.log" 2>&1; then ok; else
    bad "cmake --install failed:"; cat "$TMP/install.log"
fi
MAN=$PREFIX/share/man/man1/concviz.1
COMP=$PREFIX/share/bash-completion/completions/concviz
check "bin/concviz installed and runs" bash -c "\"$PREFIX/bin/concviz\" --version | grep -q '^concviz '"
check "man page installed" test -s "$MAN"
check "bash completion installed" test -s "$COMP"
[ -s "$MAN" ] && [ -s "$COMP" ] || { summary; exit 1; }

# ---- the man page ----

# Valid roff: groff reads it with every warning on and says nothing.
if command -v groff >/dev/null; then
    if groff -man -Tutf8 -ww -z "$MAN" >"$TMP/groff.err" 2>&1 && [ ! -s "$TMP/groff.err" ]; then ok; else
        bad "groff warns about the man page:"; head -n5 "$TMP/groff.err"
    fi
else
    echo "note: groff not installed (Debian package groff-base): the man page is checked by its structure only"
fi
# The structure: a title line first, then the sections the page promises.
check "man page starts with .TH" bash -c "grep -v '^\.\\\\\"' '$MAN' | head -n1 | grep -q '^\.TH CONCVIZ 1 '"
for section in NAME SYNOPSIS DESCRIPTION COMMANDS SCENARIOS 'COMMON OPTIONS' 'REPLAY OPTIONS' \
               'SERVE-FLAGS OPTIONS' KEYS 'EXIT STATUS' ENVIRONMENT FILES EXAMPLES; do
    check "man page section $section" grep -qx "\.SH $section" "$MAN"
done
# Every line is text or a request the man macros know: a stray '.' or "'"
# at the start of a line of text would be read as a request and vanish.
bad_requests=$(grep -E "^[.']" "$MAN" | grep -vE '^\.(TH|SH|SS|TP|PP|B|I|BR|nf|fi|nh|ad l|\\")( |$)' | head -n3)
[ -z "$bad_requests" ] && ok || bad "unknown requests in the man page: $bad_requests"
check "NO_COLOR documented" grep -qx '\.B NO_COLOR' "$MAN"
check "exit status 2 documented" grep -qx '\.B 2' "$MAN"

# The lines of a man page part: from the line that is exactly $1 to the next
# section or subsection.
man_part() { awk -v start="$1" '$0 == start {on = 1; next} on && /^\.S[HS] / {exit} on' "$MAN"; }

# "x name" or " name" for each option line of a --help table, read from
# the part of the help that starts at the line matching $1.
help_options() {
    awk -v start="$1" '$0 ~ start {on = 1; next} on && /^$/ {exit} on' |
        sed -nE 's/^  (-([A-Za-z0-9]), |    )--([a-z0-9-]+).*/\2 \3/p'
}

# The entry of an option in a man page part: "-x, --name" or "--name",
# bold, dashes as roff minus signs, at the start of a tagged paragraph.
expect_entry() { # part-file short long where
    local long=${3//-/\\-} entry
    if [ -n "$2" ]; then entry="\\fB\\-$2\\fR, \\fB\\-\\-$long\\fR"; else entry="\\fB\\-\\-$long\\fR"; fi
    if grep -qF -- "$entry" "$1" && [ "$(grep -B1 -F -- "$entry" "$1" | head -n1)" = .TP ]; then ok; else
        bad "man page: no entry '$entry' in $4"
    fi
}

# Every scenario of `concviz list`, with its summary and each option of its
# --help, in its own subsection; the common options in theirs.
unroff() { sed -e 's/\\-/-/g' -e 's/\\&//g' -e 's/\\e/\\/g' -e 's/\\f[BIR]//g'; }
nscen=0
nopts=0
while read -r name summary; do
    nscen=$((nscen + 1))
    man_part ".SS $name" >"$TMP/part"
    check "man page has a subsection for $name" test -s "$TMP/part"
    check "man page: $name's summary" grep -qF -- "$summary" <(unroff <"$TMP/part")
    "$BIN" "$name" --help >"$TMP/help"
    n=0
    while read -r short long; do
        [ -z "$long" ] && { long=$short; short=; }
        expect_entry "$TMP/part" "$short" "$long" "the $name subsection"
        n=$((n + 1))
    done < <(help_options "^$name options:\$" <"$TMP/help")
    nopts=$((nopts + n))
    man_part ".SH COMMON OPTIONS" >"$TMP/part"
    while read -r short long; do
        [ -z "$long" ] && { long=$short; short=; }
        expect_entry "$TMP/part" "$short" "$long" "COMMON OPTIONS ($name --help)"
    done < <(help_options '^common options:$' <"$TMP/help")
done < <("$BIN" list)
[ "$nscen" -ge 3 ] && ok || bad "concviz list gave $nscen scenarios"
[ "$nopts" -ge 10 ] && ok || bad "the scenarios' --help gave $nopts options"

"$BIN" serve-flags --help >"$TMP/help"
man_part ".SH SERVE-FLAGS OPTIONS" >"$TMP/part"
n=0
while read -r short long; do
    [ -z "$long" ] && { long=$short; short=; }
    expect_entry "$TMP/part" "$short" "$long" "SERVE-FLAGS OPTIONS"
    n=$((n + 1))
done < <(help_options '^options:$' <"$TMP/help")
[ "$n" -ge 5 ] && ok || bad "serve-flags --help: $n options read"

# replay's help is one usage line: each --name in it.
man_part ".SH REPLAY OPTIONS" >"$TMP/part"
for long in $("$BIN" replay --help | grep -oE -- '--[a-z0-9-]+' | sed 's/^--//'); do
    expect_entry "$TMP/part" "" "$long" "REPLAY OPTIONS"
done

# ---- the bash completion ----

# complete WORD...: the completions bash offers when the cursor ends the
# last word, one a line, sorted.
complete_words() {
    bash --norc --noprofile -c '
        source "$1"; shift
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
        _concviz concviz "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
        printf "%s\n" "${COMPREPLY[@]}"' bash "$COMP" concviz "$@" | sort
}
# expect_completion "want (space-separated, any order)" WORD...
expect_completion() {
    local want got
    want=$(printf '%s\n' $1 | sort)
    shift
    got=$(complete_words "$@")
    if [ "$got" = "$want" ]; then ok; else
        bad "completion of 'concviz $*': got '$(echo $got)', want '$(echo $want)'"
    fi
}
expect_completion "loiter" lo
expect_completion "serve-flags spinner stress" s
expect_completion "--mode" flags --mo
expect_completion "sequential threadpool async compare futures" flags --mode ""
expect_completion "threadpool" flags --mode th
expect_completion "threadpool" flags --mode = th
expect_completion "sleep block cpu nap" spinner --work ""
expect_completion "thread task process both all" spinner --side ""
expect_completion "--port" serve-flags --po
expect_completion "" loiter --workers ""
touch "$TMP/run.jsonl"
expect_completion "$TMP/run.jsonl" replay "$TMP/run.j"
expect_completion "$TMP/run.jsonl" loiter --trace "$TMP/run.j"
expect_completion "$TMP/run.jsonl" spinner --screenshot "$TMP/run."
# Every command and scenario is a first word; every option of each
# scenario's --help is offered after it.
first=$(complete_words "")
for word in list replay serve-flags --help --version $("$BIN" list | cut -d' ' -f1); do
    grep -qx -- "$word" <<<"$first" && ok || bad "completion: '$word' not offered as a first word"
done
while read -r name _; do
    offered=$(complete_words "$name" -)
    for opt in $("$BIN" "$name" --help | sed -nE 's/^  (-([A-Za-z0-9]), |    )(--[a-z0-9-]+).*/\2 \3/p'); do
        [ "$opt" = "${opt#-}" ] && opt=-$opt
        grep -qx -- "$opt" <<<"$offered" && ok || bad "completion: $name does not offer $opt"
    done
done < <("$BIN" list)

summary
