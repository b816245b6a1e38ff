#!/usr/bin/env bash
# Time `vmtree validate` and `vmtree explain` on synthetic trees of 1,000, 10,000 and 100,000
# descriptors, and a small validate of examples/lab; print wall time, max RSS and peak heap.
#
#   bench/validate.sh                 # sizes 1000 10000 100000
#   bench/validate.sh 1000 10000      # other sizes
#   BENCH_REPEAT=3 bench/validate.sh  # keep the fastest of 3 runs of each command
#
# Trees are generated once under bench/out/tree-N and reused (regenerated when gen-tree.py
# changes). The table is also written to bench/out/results.md. Needs python3 (stdlib only).
# Peak heap comes from the JVM's own GC log, passed through JAVA_OPTS (the launcher honours it).
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
OUT=bench/out
SEED=${BENCH_SEED:-42}
REPEAT=${BENCH_REPEAT:-1}
if [ $# -gt 0 ]; then SIZES=("$@"); else SIZES=(1000 10000 100000); fi

die() { echo "bench: $*" >&2; exit 1; }

[ -x ./vmtree ] || die "./vmtree not found: run from a checkout with the launcher"
command -v python3 >/dev/null || die "python3 is needed to generate the trees"

if [ -z "${BENCH_NO_GNU_TIME:-}" ] && [ -x /usr/bin/time ] && /usr/bin/time -f %e true 2>/dev/null; then
  HAVE_GNU_TIME=1
else
  HAVE_GNU_TIME=0
  echo "bench: /usr/bin/time (GNU time) not found: using bash's time; no max RSS column" >&2
fi

echo "== ./vmtree --version (builds the jar and its class-data archive if needed)" >&2
./vmtree --version >&2 || die "./vmtree --version failed"

mkdir -p "$OUT"

# gen N: bench/out/tree-N, regenerated when missing, incomplete, or older than gen-tree.py
gen() {
  local n=$1 dir=$OUT/tree-$1
  local meta=$dir/.bench-tree.json
  if [ -f "$meta" ] && [ "$meta" -nt bench/gen-tree.py ] \
     && python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); sys.exit(0 if m["descriptors"]==int(sys.argv[2]) and m["seed"]==int(sys.argv[3]) else 1)' "$meta" "$n" "$SEED"; then
    echo "== reusing $dir" >&2
  else
    echo "== generating $dir" >&2
    python3 bench/gen-tree.py --descriptors "$n" --out "$dir" --seed "$SEED" || die "gen-tree.py failed"
  fi
}

meta_field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

# peak_heap GCLOG: the largest heap occupancy seen before a GC or at exit, in MiB
peak_heap() {
  python3 - "$1" <<'PY'
import re, sys
unit = {"K": 1 / 1024, "M": 1, "G": 1024}
peak, gcs, exit_used = 0.0, 0, 0.0
try:
    lines = open(sys.argv[1], encoding="utf-8", errors="replace").read().splitlines()
except OSError:
    lines = []
for line in lines:
    m = re.search(r"GC\(\d+\) Pause.* (\d+)([KMG])->(\d+)([KMG])\((\d+)([KMG])\)", line)
    if m:
        gcs += 1
        peak = max(peak, int(m.group(1)) * unit[m.group(2)])
        continue
    m = re.search(r"total (\d+)([KMG]), used (\d+)([KMG])", line)
    if m and "exit" in line:
        exit_used += int(m.group(3)) * unit[m.group(4)]
peak = max(peak, exit_used)
print("%.0f %d" % (peak, gcs) if peak else "? %d" % gcs)
PY
}

ROWS=()
FAILED=0

# measure LABEL N COMMAND...: runs it REPEAT times, keeps the fastest, adds a table row
measure() {
  local label=$1 n=$2; shift 2
  local best_wall="" best_rss="" best_heap="" best_gcs="" rc=0 i
  local tmp; tmp=$(mktemp -d)
  for ((i = 1; i <= REPEAT; i++)); do
    local gclog=$tmp/gc.log wall rss heap gcs
    rm -f "$gclog"
    if [ "$HAVE_GNU_TIME" = 1 ]; then
      JAVA_OPTS="${JAVA_OPTS:-} -Xlog:gc,gc+heap+exit:file=$gclog" \
        /usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >"$tmp/out" 2>"$tmp/err"
      rc=$?
      read -r wall rss < <(tail -n 1 "$tmp/time")
      rss=$(( rss / 1024 ))
    else
      local TIMEFORMAT=%R
      { time JAVA_OPTS="${JAVA_OPTS:-} -Xlog:gc,gc+heap+exit:file=$gclog" "$@" \
          >"$tmp/out" 2>"$tmp/err"; } 2>"$tmp/time"
      rc=$?
      wall=$(tail -n 1 "$tmp/time"); rss="-"
    fi
    read -r heap gcs < <(peak_heap "$gclog")
    if [ -z "$best_wall" ] || python3 -c "import sys; sys.exit(0 if float('$wall') < float('$best_wall') else 1)"; then
      best_wall=$wall; best_rss=$rss; best_heap=$heap; best_gcs=$gcs
    fi
  done
  if [ "$rc" != 0 ]; then
    FAILED=1
    echo "bench: '$*' exited $rc; first lines of its output:" >&2
    head -n 5 "$tmp/out" "$tmp/err" >&2
  fi
  local per="-"
  if [ "$n" != "-" ]; then
    per=$(python3 -c "print('%.1f' % ($best_wall * 1e6 / $n))")
  fi
  ROWS+=("| $label | $n | $rc | $best_wall | $per | $best_rss | $best_heap | $best_gcs |")
  LAST_WALL=$best_wall
  echo "   $label: ${best_wall}s exit $rc" >&2
  rm -rf "$tmp"
}

for n in "${SIZES[@]}"; do gen "$n"; done

# other work on the machine slows every run: the table says how busy it was
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')

echo "== small validate" >&2
measure "validate examples/lab (15 descriptors)" - ./vmtree validate examples/lab
SMALL_WALL=$LAST_WALL
declare -A VALIDATE_WALL
for n in "${SIZES[@]}"; do
  dir=$OUT/tree-$n
  deep=$(meta_field "$dir/.bench-tree.json" deepest_descriptor)
  echo "== $dir" >&2
  measure "validate tree-$n" "$n" ./vmtree validate "$dir"
  VALIDATE_WALL[$n]=$LAST_WALL
  measure "explain tree-$n $deep" "$n" ./vmtree explain "$dir" "$deep"
done

{
  echo "vmtree bench — $(nproc 2>/dev/null || echo '?') CPUs, $(java -version 2>&1 | head -n 1)," \
       "JAVA_OPTS='${JAVA_OPTS:-}', fastest of $REPEAT run(s), load average before: $LOAD_BEFORE"
  echo
  echo "| command | descriptors | exit | wall s | µs/descriptor | max RSS MiB | peak heap MiB | GCs |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${ROWS[@]}"
  [ "$HAVE_GNU_TIME" = 1 ] || echo "(bash time: no max RSS)"
  echo
  echo "Targets (see bench/README.md):"
  verdict() { python3 -c "import sys; print('ok' if $1 else 'MISSED')"; }
  echo "- small validate under 1 s: ${SMALL_WALL}s, $(verdict "$SMALL_WALL < 1.0")"
  if [ -n "${VALIDATE_WALL[100000]:-}" ]; then
    echo "- validate of 100,000 descriptors under 10 s: ${VALIDATE_WALL[100000]}s, $(verdict "${VALIDATE_WALL[100000]} < 10.0")"
  fi
  if [ -n "${VALIDATE_WALL[10000]:-}" ] && [ -n "${VALIDATE_WALL[100000]:-}" ]; then
    # linear: 10x the descriptors costs at most ~10x the time once JVM start is taken out
    ratio=$(python3 -c "s=$SMALL_WALL; print('%.1f' % ((${VALIDATE_WALL[100000]} - s) / max(0.01, ${VALIDATE_WALL[10000]} - s)))")
    echo "- linear growth, (t100k - t_small) / (t10k - t_small) = $ratio (10 is linear): $(verdict "$ratio <= 12")"
  fi
} | tee "$OUT/results.md"

exit $FAILED
