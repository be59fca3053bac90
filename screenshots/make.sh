#!/usr/bin/env bash
# Renders the README's screenshots from the recorded runs in
# screenshots/traces/: telling moments of the loiter demo (executor.map) and
# of the spinner's two sides, each as .svg (colours, for a browser) and .txt
# (plain).  A trace renders the same screen every time, so the images are
# golden files: tests/screenshots_test.sh renders them again and compares
# byte for byte, and any change to what the views draw shows up there.
#
# Live runs are not deterministic (real threads, real sleeps), so traces are
# recorded only when asked: --record runs the scenarios again and replaces
# the traces.  --at counts demo seconds, as the header's clock does (loiter
# runs at --speed 10, so demo 1.05 s is 0.105 s of the trace), and files are
# named by demo time, the time a reader thinks in.
#
# usage: screenshots/make.sh BINARY OUTDIR [--record] [--traces DIR]
#   OUTDIR  where the images go; DIR (default OUTDIR/traces) holds the traces
set -euo pipefail
BIN=${1:?usage: make.sh BINARY OUTDIR [--record] [--traces DIR]}
OUT=${2:?usage: make.sh BINARY OUTDIR [--record] [--traces DIR]}
shift 2
RECORD=0
TRACES=$OUT/traces
while [ $# -gt 0 ]; do
    case $1 in
        --record) RECORD=1 ;;
        --traces) TRACES=${2:?--traces needs a folder}; shift ;;
        *) echo "make.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
SIZE=${SIZE:-100x30}
mkdir -p "$OUT"

# trace  how it is recorded (from the repository's top folder: a `run` line
# watches a real Python program, its options going before the --)
RUNS=(
    "loiter         loiter --speed 10"
    "loiter-sleeps  loiter --sleeps 3,1,0,2,4 --speed 10"
    "spinner-sleep  spinner --work=sleep --speed 2"
    "spinner-block  spinner --work=block --speed 2"
    "primes-threads primes --mode threads --workers 2 --rounds 1"
    "primes-pool    primes --mode pool --workers 2 --rounds 1"
    "spinner-all    spinner --side all --speed 2"
    "flags-futures  flags --mode futures -s DELAY --delay 1 --speed 5"
    "flags-compare  flags --mode compare -s DELAY --delay 0.5 --seed 1 --speed 10"
    "flags-errors   flags -e -l 12 -s ERROR --error-rate 0.3 --seed 5 --speed 10"
    "loiter-lines   loiter --speed 10"
    "run-loiter     run -- python3 scenarios/listings/loiter.py"
)

# name  trace  demo-seconds[@COLSxROWS, for a wider screen than SIZE][:OPT,OPT..., display
#       options such as --theme=light, or present for presenter mode]  what it shows
MOMENTS=(
    "loiter-0.05s     loiter        0.05  three workers take loiter(0..2); loiter(0) is done at once and loiter(3) follows"
    "loiter-0.5s      loiter        0.5   loiter(4) waits in the queue: all three workers are busy"
    "loiter-1.05s     loiter        1.05  loiter(4) runs on the worker loiter(1) freed; main blocks on loiter(2)"
    "loiter-2.5s      loiter        2.5   loiter(2) done; main blocks on loiter(3), a worker idles"
    "loiter-end       loiter        6     the end: results came back in submission order"
    "loiter-sleeps-1.5s loiter-sleeps 1.5@130x30 main blocks on loiter(0) although loiter(1) and loiter(2) are done: map yields results in submission order"
    "spinner-2s       spinner-sleep 2.0   both spinners turn: the thread's on its own thread, spin between slow()'s awaits"
    "spinner-block-2s spinner-block 2.0   the thread spinner turns; spin has not run: time.sleep(3) in slow() holds the loop inside supervisor's step"
    "primes-threads-0.6s primes-threads 0.6 two threads under the GIL take turns: each waits for it about half the time; main waits on results.get()"
    "primes-pool-0.25s primes-pool 0.25@130x30 two processes finish out of order; map gives results in argument order, so main waits for the larger number"
    "spinner-all-2s   spinner-all   2.0@130x30 thread, task and process sides turn together: three ways to run a spinner beside slow()"
    "flags-futures-1.5s flags-futures 1.5 as_completed: three downloads done and printed, two running; each repr was true when printed"
    "flags-compare-end flags-compare 15@130x40 the three ways stacked, each from its own 0 s on one scale: 11 s in a row, 0.9 s with twenty workers, 2.4 s on one thread"
    "flags-errors-end flags-errors  4@120x40 not found, HTTP 418 and timed out, each with its own glyph and words in the lanes and the table"
    "loiter-light-1.05s loiter      1.05:--theme=light the light theme, for a light terminal: Okabe-Ito colours, the caption in blue"
    "loiter-source-1.05s loiter-lines 1.05@160x40:--source the source pane: main waits on the for line, the three workers in sleep(n)"
    "loiter-present-1.05s loiter    1.05@200x60:present presenter mode on a projector: lanes three rows tall, the big clock, the caption on a band"
    "run-loiter-1.5s  run-loiter    1.5   concviz run: CPython itself runs loiter.py; its pool's three workers sleep, main waits in map for loiter(2)"
    "spinner-block-present-2s spinner-block 2.0@160x50:present presenter mode: the spinner glyph scaled to its pane; on the task side spin has not run yet"
)

if [ "$RECORD" = 1 ]; then
    mkdir -p "$TRACES"
    for r in "${RUNS[@]}"; do
        read -r trace cmd <<<"$r"
        # shellcheck disable=SC2086 # the command line is meant to split
        if [[ $cmd == run\ * ]]; then
            "$BIN" run --headless --trace "$TRACES/$trace.jsonl" ${cmd#run } >/dev/null
        else
            "$BIN" $cmd --headless --trace "$TRACES/$trace.jsonl" >/dev/null
        fi
        echo "$TRACES/$trace.jsonl: recorded from concviz $cmd"
    done
fi

for m in "${MOMENTS[@]}"; do
    read -r name trace at what <<<"$m"
    size=$SIZE
    look=()
    if [[ $at == *:* ]]; then
        IFS=, read -r -a look <<<"${at#*:}"
        at=${at%%:*}
        for i in "${!look[@]}"; do
            [ "${look[$i]}" = present ] && look[$i]=--present
        done
    fi
    if [[ $at == *@* ]]; then
        size=${at#*@}
        at=${at%@*}
    fi
    if [ ! -f "$TRACES/$trace.jsonl" ]; then
        echo "make.sh: no trace $TRACES/$trace.jsonl (make it with --record)" >&2
        exit 1
    fi
    for ext in svg txt; do
        "$BIN" replay "$TRACES/$trace.jsonl" --screenshot "$OUT/$name.$ext" --at "$at" --size "$size" ${look[@]+"${look[@]}"}
    done
    echo "$OUT/$name.{svg,txt}: $what"
done
