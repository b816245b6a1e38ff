#!/usr/bin/env bash
# Benchmark (issue: the engine): plan of N descriptors (default 100,000) on H sim hypervisors
# (default 4), everything already deployed and matching, with refresh on. Prints the wall time
# and the hypervisor calls (target: one bulk list per hypervisor, under 15 s for 100,000).
set -euo pipefail
cd "$(dirname "$0")/.."
N="${N:-100000}"
H="${H:-4}"
out="bench/out/plan-$N"
mkdir -p bench/out
./vmtree --version >/dev/null
if [ ! -f "$out/.ready" ]; then
  echo "== generating $N deployed descriptors on $H sims (once; cached in $out)" >&2
  python3 bench/gen-sim-tree.py --descriptors "$N" --hypervisors "$H" --latency-ms 0 --out "$out/tree" >&2
  rm -rf "$out/state"
  mvn -q test-compile >&2
  # a private copy of the classes: a build running meanwhile must not pull them away
  rm -rf "$out/classes" && mkdir -p "$out/classes"
  cp target/vmtree.jar "$out/classes/" && cp -r target/test-classes "$out/classes/"
  java -cp "$out/classes/vmtree.jar:$out/classes/test-classes" \
    io.vmtree.bench.PlanBenchSetup "$out/tree" "$out/state" >&2
  touch "$out/.ready"
fi
echo "== plan of $N descriptors, refresh on" >&2
start=$(date +%s.%N)
./vmtree --state "$out/state" plan "$out/tree" --detailed-exitcode >"$out/plan.txt" 2>"$out/plan.err" || code=$?
end=$(date +%s.%N)
tail -1 "$out/plan.txt"
cat "$out/plan.err"
python3 -c "print(f'wall time: {$end - $start:.2f} s  (exit code ${code:-0}: 0 = no changes)')"
