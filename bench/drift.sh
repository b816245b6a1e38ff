#!/usr/bin/env bash
# Benchmark (issue 5): drift of N deployed VMs (default 10,000) on H sim hypervisors (default 4)
# that answer each call after latency_ms (default 50), nothing drifted, writing the reports a
# nightly CI job keeps (text on stdout, JUnit and SARIF files). Prints the hypervisor calls
# (target: 4, one bulk list per hypervisor) and the wall time (target: under 3 s).
set -euo pipefail
cd "$(dirname "$0")/.."
N="${N:-10000}"
H="${H:-4}"
LATENCY="${LATENCY:-50}"
out="bench/out/drift-$N-$H-$LATENCY"
mkdir -p bench/out
./vmtree --version >/dev/null
if [ ! -f "$out/.ready" ]; then
  echo "== generating $N deployed descriptors on $H sims, latency_ms $LATENCY (once; cached in $out)" >&2
  python3 bench/gen-sim-tree.py --descriptors "$N" --hypervisors "$H" --latency-ms "$LATENCY" --out "$out/tree" >&2
  rm -rf "$out/state"
  mvn -q test-compile >&2
  # a private copy of the classes: a build running meanwhile must not pull them away
  rm -rf "$out/classes" && mkdir -p "$out/classes"
  cp target/vmtree.jar "$out/classes/" && cp -r target/test-classes "$out/classes/"
  java -cp "$out/classes/vmtree.jar:$out/classes/test-classes" \
    io.vmtree.bench.PlanBenchSetup "$out/tree" "$out/state" >&2
  touch "$out/.ready"
fi
REPEAT="${REPEAT:-3}"
echo "== drift of $N deployed VMs on $H sims (latency_ms $LATENCY), best of $REPEAT, load average: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
best=""
for i in $(seq "$REPEAT"); do
  code=0
  start=$(date +%s.%N)
  ./vmtree --state "$out/state" drift "$out/tree" \
    --format text \
    --format junit --output "$out/drift.xml" \
    --format sarif --output "$out/drift.sarif" >"$out/drift.txt" 2>"$out/drift.err" || code=$?
  end=$(date +%s.%N)
  wall=$(python3 -c "print(f'{$end - $start:.2f}')")
  echo "run $i: $wall s, exit code $code (0 = no drift); $(head -1 "$out/drift.err")" >&2
  if [ "$code" -ne 0 ]; then cat "$out/drift.err" >&2; exit 1; fi
  best=$(python3 -c "print(min(float(x) for x in '$best $wall'.split()))")
done
head -1 "$out/drift.txt"
calls=$(sed -n 's/.* with \([0-9]*\) call(s).*/\1/p' "$out/drift.err")
echo "hypervisor calls: $calls (target $H: one bulk list per hypervisor)"
python3 -c "print(f'wall time: best {$best:.2f} s of $REPEAT runs (target under 3 s: {\"ok\" if $best < 3 else \"MISSED\"})')"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
