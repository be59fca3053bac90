#!/usr/bin/env bash
# Regenerates the README's screenshots: telling moments of the loiter demo
# (executor.map), each as .svg (colours, for a browser) and .txt (plain).
# The demo runs at --speed 10, so demo time 1.05 s is --at 0.105 (real
# seconds); files are named by demo time, the time a reader thinks in.
# Then the spinner's two sides at --speed 2, with slow() sleeping and with
# it blocking the event loop, when the spinner scenario is built in.
#
# usage: screenshots/make.sh BINARY OUTDIR
set -euo pipefail
BIN=${1:?usage: make.sh BINARY OUTDIR}
OUT=${2:?usage: make.sh BINARY OUTDIR}
SIZE=${SIZE:-100x30}
mkdir -p "$OUT"

# name  real-seconds  what it shows
MOMENTS=(
    "loiter-0.05s 0.005 three workers take loiter(0..2); loiter(0) is done at once and loiter(3) follows"
    "loiter-0.5s  0.05  loiter(4) waits in the queue: all three workers are busy"
    "loiter-1.05s 0.105 loiter(4) runs on the worker loiter(1) freed; main blocks on loiter(2)"
    "loiter-2.5s  0.25  loiter(2) done; main blocks on loiter(3), a worker idles"
    "loiter-end   0.6   the end: results came back in submission order"
)

for m in "${MOMENTS[@]}"; do
    read -r name at what <<<"$m"
    for ext in svg txt; do
        "$BIN" loiter --speed 10 --screenshot "$OUT/$name.$ext" --at "$at" --size "$SIZE"
    done
    echo "$OUT/$name.{svg,txt}: $what"
done

# name  real-seconds  options  what it shows
SPINNER_MOMENTS=(
    "spinner-2s       1.0 --work=sleep both spinners turn: the thread's on its own thread, spin between slow()'s awaits"
    "spinner-block-2s 1.0 --work=block the thread spinner turns; the task spinner is frozen: time.sleep(3) holds the loop"
)
if "$BIN" list | grep -q '^spinner '; then
    for m in "${SPINNER_MOMENTS[@]}"; do
        read -r name at opt what <<<"$m"
        for ext in svg txt; do
            "$BIN" spinner "$opt" --speed 2 --screenshot "$OUT/$name.$ext" --at "$at" --size "$SIZE"
        done
        echo "$OUT/$name.{svg,txt}: $what"
    done
else
    echo "no spinner scenario in $BIN: its screenshots are skipped"
fi
