#!/usr/bin/env bash
# concviz export --to cast, checked by reading the recording back with
# Python's json module and a few lines of terminal: the header (version 2,
# the size asked for, a title), events in time order, and the screens the
# frames draw, rebuilt by applying their cursor moves, cell writes and
# erases, equal to replay's --screenshot of the same moment (the last
# screen, and one in the middle); a bookmark (the sidecar's or the
# trace's) is a marker and a pause of --pause seconds; --speed 2 halves
# the recording; --theme, --no-color and --ascii reach the bytes.  Bad
# input is one line on stderr, status 2, and no output file.  Where
# asciinema is installed, `asciinema cat` must print the frames back.
set -u
BIN=${1:?usage: cast_test.sh path/to/concviz}
TMP=$(mktemp -d)
. "$(dirname "$0")/testlib.sh"
trap cleanup EXIT

# The reader: `cast.py CHECK CAST [ARGS]`, a check that exits 1 with the
# reasons, or prints what was asked for.
cat >"$TMP/cast.py" <<'PY'
import json, re, sys

def load(path):
    lines = open(path, encoding="utf-8").read().splitlines()
    return json.loads(lines[0]), [json.loads(l) for l in lines[1:]]

def screen(hdr, events, upto=None):
    """The screen after the "o" events at or before `upto` seconds."""
    w, h = hdr["width"], hdr["height"]
    rows = [[" "] * w for _ in range(h)]
    r = c = 0
    for t, kind, data in events:
        if upto is not None and t > upto + 1e-9:
            break
        if kind != "o":
            continue
        for m in re.finditer(r"\x1b\[([?0-9;]*)([A-Za-z])|([^\x1b])", data, re.S):
            if m.group(3) is not None:
                if r < h and c < w:
                    rows[r][c] = m.group(3)
                c += 1
            elif m.group(2) == "H":
                p = (m.group(1) or "1;1").split(";")
                r, c = int(p[0]) - 1, int(p[1]) - 1
            elif m.group(2) == "J":
                rows = [[" "] * w for _ in range(h)]
            elif m.group(2) == "K":
                rows[r][c:] = [" "] * (w - c)
    return ["".join(x).rstrip() for x in rows]

check, path = sys.argv[1], sys.argv[2]
hdr, events = load(path)
problems = []
if check == "structure":
    cols, rows = map(int, sys.argv[3].split("x"))
    for k, v in (("version", 2), ("width", cols), ("height", rows)):
        if hdr.get(k) != v:
            problems.append("header %s is %r, want %r" % (k, hdr.get(k), v))
    if not isinstance(hdr.get("timestamp"), int) or "loiter" not in hdr.get("title", ""):
        problems.append("header timestamp or title: %r" % hdr)
    last = -1
    for e in events:
        if len(e) != 3 or e[1] not in ("o", "m") or not isinstance(e[2], str):
            problems.append("not an event: %r" % (e,))
        elif e[0] < last:
            problems.append("time goes back at %r" % e[0])
        last = max(last, e[0])
    if not events or events[0][0] != 0 or "\x1b[2J" not in events[0][2]:
        problems.append("the first frame does not clear the screen at 0")
    if abs(events[-1][0] - hdr.get("duration", -1)) > 1e-3:
        problems.append("the last frame at %r, the duration %r" % (events[-1][0], hdr.get("duration")))
    # No two frames closer than the grid's 1/20 s, but a mark's own.
    o = [e[0] for e in events if e[1] == "o"]
    if len(o) < 10:
        problems.append("only %d frames" % len(o))
elif check == "screen":
    # screen CAST SHOT.txt [SECONDS]: the rows between the header and the
    # key line (which say PLAY or END, and a replay's keys) are the
    # screenshot's.
    want = open(sys.argv[3], encoding="utf-8").read().split("\n")
    got = screen(hdr, events, float(sys.argv[4]) if len(sys.argv) > 4 else None)
    for y in range(1, hdr["height"] - 1):
        if got[y] != (want[y] if y < len(want) else ""):
            problems.append("row %d:\n got  %r\n want %r" % (y, got[y], want[y] if y < len(want) else ""))
elif check == "marks":
    # marks CAST PLAIN.cast PAUSE TEXT...: each text a marker; the screen
    # holds for PAUSE after each; the recording is that much longer.
    pause = float(sys.argv[4])
    _, plain = load(sys.argv[3])
    marks = [e for e in events if e[1] == "m"]
    if [m[2] for m in marks] != sys.argv[5:]:
        problems.append("markers %r, want %r" % ([m[2] for m in marks], sys.argv[5:]))
    for m in marks:
        after = [e[0] for e in events if e[1] == "o" and e[0] > m[0]]
        if not after or after[0] - m[0] < pause - 1e-6:
            problems.append("the frame at the mark %r held %r s" % (m[2], after[0] - m[0] if after else None))
        if m[2] not in screen(hdr, events, m[0])[0]:
            problems.append("the header at the mark does not show %r" % m[2])
    grew = events[-1][0] - plain[-1][0]
    if abs(grew - pause * len(marks)) > 1e-3:
        problems.append("the recording grew by %r s with %d marks" % (grew, len(marks)))
elif check == "duration":
    # duration CAST OTHER.cast FACTOR: this one lasts FACTOR times the other.
    _, other = load(sys.argv[3])
    want = other[-1][0] * float(sys.argv[4])
    if abs(events[-1][0] - want) > 0.06:
        problems.append("lasts %r s, want %r" % (events[-1][0], want))
elif check == "bytes":
    # bytes CAST WHAT: what the output may or must contain.
    data = "".join(e[2] for e in events if e[1] == "o")
    what = sys.argv[3]
    colours = re.findall(r"\x1b\[[0-9;]*;[34][0-7](;|m)", data)
    if what == "color" and not colours:
        problems.append("no colour in the SGR")
    if what == "mono" and colours:
        problems.append("colours with --no-color: %r" % colours[:3])
    if what == "ascii" and any(ord(ch) > 126 for ch in data):
        problems.append("non-ASCII with --ascii")
    if what.startswith("bg="):
        if hdr.get("theme", {}).get("bg") != what[3:]:
            problems.append("theme %r, want bg %s" % (hdr.get("theme"), what[3:]))
elif check == "stdout":
    # stdout CAST FILE: what `asciinema cat` printed is the frames' text.
    data = "".join(e[2] for e in events if e[1] == "o")
    got = open(sys.argv[3], "rb").read().decode("utf-8", "replace").replace("\r\n", "\n")
    if got != data:
        problems.append("asciinema cat printed %d characters, the frames hold %d" % (len(got), len(data)))
for p in problems[:8]:
    print(p)
sys.exit(1 if problems else 0)
PY
cast() { python3 "$TMP/cast.py" "$@"; }

"$BIN" loiter --headless --speed 20 --trace "$TMP/l.jsonl" >/dev/null 2>&1
check "export of loiter" "$BIN" export "$TMP/l.jsonl" --to cast "$TMP/l.cast" --size 100x30
check "structure" cast structure "$TMP/l.cast" 100x30
"$BIN" replay "$TMP/l.jsonl" --screenshot "$TMP/end.txt" --at 9999 --size 100x30
check "the last screen is the run's end" cast screen "$TMP/l.cast" "$TMP/end.txt"
grep -q "loiter(4): done." "$TMP/end.txt" || bad "the end screenshot lacks the last console line"
"$BIN" replay "$TMP/l.jsonl" --screenshot "$TMP/mid.txt" --at 2.5 --size 100x30
check "the screen at 2.5 s" cast screen "$TMP/l.cast" "$TMP/mid.txt" 2.5

# A bookmark from a sidecar and one inside the trace: markers, pauses.
printf '# concviz marks: EVENT\tDEMO-SECONDS\tTEXT\n30\t0.1\tthe pool is full\n' >"$TMP/l.marks"
cp "$TMP/l.jsonl" "$TMP/lb.jsonl"
printf '{"bookmark":50,"demo_t":1.5,"text":"inside the trace"}\n' >>"$TMP/lb.jsonl"
check "export with marks" "$BIN" export "$TMP/lb.jsonl" --to cast "$TMP/m.cast" --size 100x30 \
    --marks "$TMP/l.marks" --pause 3
check "marks pause" cast marks "$TMP/m.cast" "$TMP/l.cast" 3 "the pool is full" "inside the trace"
check "the last screen with marks" cast screen "$TMP/m.cast" "$TMP/end.txt"
# A byte that is not UTF-8 in a mark's text must not make the JSON invalid.
printf '# concviz marks\n20\t0.1\tbad \377 byte\n' >"$TMP/u.marks"
check "export with a mark not in UTF-8" "$BIN" export "$TMP/l.jsonl" --to cast "$TMP/u.cast" \
    --size 100x30 --marks "$TMP/u.marks" --pause 0
check "the mark's text made valid" cast marks "$TMP/u.cast" "$TMP/l.cast" 0 "bad ? byte"

check "export at --speed 2" "$BIN" export "$TMP/l.jsonl" --to cast "$TMP/s2.cast" --size 100x30 --speed 2
check "--speed 2 halves" cast duration "$TMP/s2.cast" "$TMP/l.cast" 0.5
check "export at --speed 0.5" "$BIN" export "$TMP/l.jsonl" --to cast "$TMP/s05.cast" --size 100x30 --speed 0.5
check "--speed 0.5 doubles" cast duration "$TMP/s05.cast" "$TMP/l.cast" 2

check "colours by default" cast bytes "$TMP/l.cast" color
NO_COLOR= "$BIN" export "$TMP/l.jsonl" --to cast "$TMP/c.cast" --theme light
check "--theme light" cast bytes "$TMP/c.cast" bg=#fafafa
"$BIN" export "$TMP/l.jsonl" --to cast "$TMP/c.cast" --no-color
check "--no-color" cast bytes "$TMP/c.cast" mono
NO_COLOR=1 "$BIN" export "$TMP/l.jsonl" --to cast "$TMP/c.cast"
check "NO_COLOR" cast bytes "$TMP/c.cast" mono
"$BIN" export "$TMP/l.jsonl" --to cast "$TMP/c.cast" --ascii
check "--ascii" cast bytes "$TMP/c.cast" ascii

# asciinema reads it (optional): cat wants a terminal, which script gives.
if command -v asciinema >/dev/null && command -v script >/dev/null; then
    timeout 60 script -qec "asciinema cat $TMP/l.cast" /dev/null </dev/null >"$TMP/cat.out" 2>&1
    check "asciinema cat" cast stdout "$TMP/l.cast" "$TMP/cat.out"
else
    echo "skipped: asciinema cat (asciinema or script not installed)"
fi

# expect_usage_error "description" args...: status 2, one line, no output.
expect_usage_error() {
    local what=$1
    shift
    rm -f "$TMP/o.cast"
    "$BIN" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
    local rc=$?
    if [ "$rc" -ne 2 ]; then bad "$what: exit $rc, want 2"; return; fi
    if [ "$(wc -l <"$TMP/err")" -ne 1 ]; then bad "$what: not one line on stderr:"; cat "$TMP/err"; return; fi
    if [ -e "$TMP/o.cast" ]; then bad "$what: left an output file"; return; fi
    ok
}
printf '{"seq":0,"t":0,"kind":"header"}\n{"seq":5,"t":0,"kind":"log"}\n' >"$TMP/bad.jsonl"
printf '1\tnot a mark\n' >"$TMP/bad.marks"
expect_usage_error "unknown format" export "$TMP/l.jsonl" --to asciinema "$TMP/o.cast"
expect_usage_error "bad --size" export "$TMP/l.jsonl" --to cast "$TMP/o.cast" --size 10x2
expect_usage_error "--size not COLSxROWS" export "$TMP/l.jsonl" --to cast "$TMP/o.cast" --size big
expect_usage_error "--speed 0" export "$TMP/l.jsonl" --to cast "$TMP/o.cast" --speed 0
expect_usage_error "negative --pause" export "$TMP/l.jsonl" --to cast "$TMP/o.cast" --pause -1
expect_usage_error "missing trace" export "$TMP/nosuch.jsonl" --to cast "$TMP/o.cast"
expect_usage_error "malformed trace" export "$TMP/bad.jsonl" --to cast "$TMP/o.cast"
expect_usage_error "missing --marks" export "$TMP/l.jsonl" --to cast "$TMP/o.cast" --marks "$TMP/nosuch.marks"
expect_usage_error "bad --marks" export "$TMP/l.jsonl" --to cast "$TMP/o.cast" --marks "$TMP/bad.marks"
expect_usage_error "no OUT" export "$TMP/l.jsonl" --to cast
expect_usage_error "--size with perfetto" export "$TMP/l.jsonl" --to perfetto "$TMP/o.cast" --size 80x24

summary
