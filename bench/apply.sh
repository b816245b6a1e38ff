#!/usr/bin/env bash
# Benchmark (issue: the engine): apply of 1,000 new VMs on one sim hypervisor with latency_ms 20
# and max_parallel 50, at --parallelism 50. Prints the wall time of the whole command, the time
# of the apply phase (first operation started -> last finished, from the journal), the hypervisor
# calls per VM, and the ideal: calls per VM x 1,000 / 50 x 20 ms. Target: apply phase within 1.3x.
#
#   bench/apply.sh            # one run
#   RUNS=5 bench/apply.sh     # five runs, one line each, then the median and range of each figure
#
# On a shared 2-core machine one run says little: the same build measured 0.60 to 0.78 s within
# the hour (the host's load, invisible as steal time). Compare builds with runs taken in turn.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${N:-1000}"
LATENCY="${LATENCY:-20}"
PAR="${PAR:-50}"
out="bench/out/apply-$N-$LATENCY-$PAR"
mkdir -p bench/out
./vmtree --version >/dev/null
if [ ! -f "$out/tree/_folder.yaml" ]; then
  python3 bench/gen-sim-tree.py --descriptors "$N" --latency-ms "$LATENCY" --max-parallel "$PAR" --out "$out/tree" >/dev/null
fi
RUNS="${RUNS:-1}"
summaries=()
for ((r = 1; r <= RUNS; r++)); do
# Each run gets a new state directory (the sim's world is inside it) and nothing is deleted before
# the run: on ext4 without a journal (this machine's disk, see docs/engine.md) the thousands of
# files a `rm -rf` of the previous run frees are skipped one by one by every file created in the
# next minutes, which made the sim's creates, not vmtree, the slowest part (deploy phase 1.1-2.4 s
# instead of 0.8 s). Old runs are left for `rm -rf bench/out` when you are done.
run="$out/runs/$(date +%Y%m%dT%H%M%S)-$$-$r"
mkdir -p "$run"
start=$(date +%s.%N)
./vmtree --state "$run/state" apply "$out/tree" --auto-approve --parallelism "$PAR" --json >"$run/apply.json"
end=$(date +%s.%N)
echo "run:                       $run" >&2
python3 - "$run/apply.json" "$start" "$end" "$N" "$LATENCY" "$PAR" "$RUNS" "$run/figures" <<'PY'
import json, sys
from datetime import datetime
doc = json.load(open(sys.argv[1]))
start, end, n, latency, par = float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
runs = int(sys.argv[7])
ops = doc["operations"]
def t(s): return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
deploys = [o for o in ops if o["type"] == "deploy"]
phase = max(t(o["finished"]) for o in ops) - min(t(o["started"]) for o in ops)
deploy_phase = max(t(o["finished"]) for o in deploys) - min(t(o["started"]) for o in deploys)
calls = sum(doc["hypervisor_calls"].values())
# calls made to create VMs (refresh's list is one call, made before the apply phase)
per_vm = (calls - 1) / n
ideal = per_vm * n / par * latency / 1000
if runs == 1:
    print(f"VMs:                       {n}  (latency_ms {latency}, max_parallel {par}, --parallelism {par})")
    print(f"operations:                {len(ops)}  ({doc['summary']})")
    print(f"hypervisor calls:          {calls}  ({per_vm:.2f} per VM, plus 1 refresh list)")
    print(f"ideal (calls/VM x N/{par} x {latency} ms): {ideal:.2f} s")
    print(f"deploy phase:              {deploy_phase:.2f} s  ({deploy_phase / ideal:.2f}x ideal)")
    print(f"apply phase (all ops):     {phase:.2f} s  ({phase / ideal:.2f}x ideal)")
    print(f"whole command (JVM, load, refresh, plan, apply): {end - start:.2f} s")
else:
    print(f"  deploy phase {deploy_phase:.2f} s, apply phase {phase:.2f} s ({phase / ideal:.2f}x), whole command {end - start:.2f} s")
with open(sys.argv[8], "w") as figures:
    print(f"{ideal} {deploy_phase} {phase} {end - start} {calls} {len(ops)}", file=figures)
PY
summaries+=("$(cat "$run/figures")")
done
if [ "$RUNS" -gt 1 ]; then
  printf '%s\n' "${summaries[@]}" | python3 -c '
import statistics, sys
rows = [list(map(float, l.split())) for l in sys.stdin if l.strip()]
ideal = rows[0][0]
def show(name, k, ratio=True):
    v = sorted(r[k] for r in rows)
    m = statistics.median(v)
    extra = f" ({m / ideal:.2f}x ideal; range {v[0] / ideal:.2f}-{v[-1] / ideal:.2f}x)" if ratio else f" (range {v[0]:.2f}-{v[-1]:.2f} s)"
    print(f"{name:<27}median {m:.2f} s{extra}")
print(f"VMs: {'"${N}"'}, hypervisor calls {int(rows[0][4])}, operations {int(rows[0][5])}, {len(rows)} runs")
print(f"ideal:                     {ideal:.2f} s")
show("deploy phase:", 1)
show("apply phase (all ops):", 2)
show("whole command:", 3, ratio=False)
'
fi
