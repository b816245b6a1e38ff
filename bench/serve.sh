#!/usr/bin/env bash
# Benchmark (issue 8, vmtree serve), loopback only, bounded:
#  1. apply of N (default 1,000) new sim VMs (latency_ms 20, max_parallel 50, --parallelism 50)
#     from the CLI; then a service on the same tree: first FLOOR seconds (default 5) of reads with
#     nothing running (the floor), then the same apply through it while CLIENTS (default 50)
#     connections of wrk read descriptors and poll the apply operation until it is final: read
#     latency p50/p99 of each (target during the apply: p99 < 50 ms); the apply's wall time, as
#     its user waits for it (target: the service within 1.2x of the CLI): the CLI's whole
#     `vmtree apply` command against the service's POST /v1/plan and POST /v1/apply, each to its
#     final answer; and, the stricter measure, the apply phase of both (first step started ->
#     last step finished, from the journal: the steps alone, without the CLI's start and plan).
#  2. the memory of the service with BIG (default 100,000) descriptors loaded, deployed, in the
#     tree and the state (the cached setup of bench/plan.sh).
# Needs wrk (Debian: apt-get install wrk); bench/serve-reads.lua is its script.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${N:-1000}"
CLIENTS="${CLIENTS:-50}"
BIG="${BIG:-100000}"
MEMORY="${MEMORY:-1}"   # 0: skip part 2
FLOOR="${FLOOR:-5}"
if ! command -v wrk >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "== installing wrk, the HTTP load generator (Debian package)" >&2
  (apt-get install -y -q wrk >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q wrk >/dev/null 2>&1; }) || true
fi
if ! command -v wrk >/dev/null; then
  echo "bench/serve.sh needs wrk, the HTTP load generator (Debian: apt-get install wrk)" >&2
  exit 1
fi
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# a new directory per run, nothing deleted before it: see bench/apply.sh (files freed in the last
# minutes slow every file creation on this machine's ext4 without a journal)
out="bench/out/serve-$N/runs/$(date +%Y%m%dT%H%M%S)-$$"
mkdir -p "$out"
echo "== run directory: $out" >&2
./vmtree --version >/dev/null
python3 bench/gen-sim-tree.py --descriptors "$N" --latency-ms 20 --max-parallel 50 --out "$out/tree" >/dev/null

phase() {  # phase JOURNAL [AFTER]: first step started -> last step finished, of the steps whose
           # id is above AFTER (the apply's own steps come after its id), in seconds; and their count
  python3 - "$1" "${2:-0}" <<'PY'
import json, sys
from datetime import datetime
def t(s): return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
ops = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
last = {}
for o in ops: last[o["id"]] = o
steps = [o for o in last.values() if o["type"] in ("provision", "deploy", "create_folder")
         and o.get("started") and o["id"] > int(sys.argv[2])]
print(f"{max(t(o['finished']) for o in steps) - min(t(o['started']) for o in steps):.2f} {len(steps)}")
PY
}

echo "== CLI: apply of $N VMs" >&2
start=$(date +%s.%N)
./vmtree --state "$out/cli-state" apply "$out/tree" --auto-approve --parallelism 50 >/dev/null
end=$(date +%s.%N)
read -r cli_phase cli_steps < <(phase "$out/cli-state/journal.jsonl")
cli_whole=$(python3 -c "print(f'{$end - $start:.2f}')")

# The service serves a tree of 2N descriptors: the same N as the CLI's (folders f0001...) and N
# more (the folders after them) that only the warm-up apply touches.
python3 bench/gen-sim-tree.py --descriptors "$((2 * N))" --latency-ms 20 --max-parallel 50 --out "$out/tree2" >/dev/null
folders=$(( (N + 99) / 100 ))
targets() {  # targets FIRST LAST: the JSON list of folders fFIRST..fLAST
  python3 -c "import json; print(json.dumps(['/f%04d' % i for i in range($1, $2 + 1)]))"
}
measured=$(targets 1 "$folders")
other=$(targets "$((folders + 1))" "$((2 * folders))")
# GET /v1/descriptors reads one of the N descriptors the measured apply acts on, at random
for ((i = 1; i <= N; i++)); do printf '/f%04d/vm%06d\n' $(( (i - 1) / 100 + 1 )) "$i"; done >"$out/paths.txt"

plan() {  # plan TARGETS: the id of a plan of TARGETS, made and finished
  local id
  id=$(curl -sS --fail-with-body -X POST "$url/v1/plan" -d "{\"targets\": $1}" | sed -n 's/^ *"id" *: *\([0-9]*\).*/\1/p' | head -n 1)
  curl -sS --fail-with-body "$url/v1/operations/$id?wait=120s" >/dev/null
  echo "$id"
}
reads() {  # reads OP [wrk options...]: CLIENTS connections reading descriptors and polling OP
  local op=$1; shift
  OP="$op" PATHS="$out/paths.txt" exec wrk -t 2 -c "$CLIENTS" --timeout 10s -s bench/serve-reads.lua "$@" "$url"
}

# service RUN WARM: a service on the tree of 2N; with WARM=1 it first applies the other N (the
# warm-up, no reads), then reads for FLOOR s with nothing running (the floor), then applies the
# measured N under the reads. Leaves RUN.txt: phase steps request_s status, floor line, load line.
service() {
  local run=$1 warm=$2 pid url plan apply load status t0 t1 floor warmup=""
  ./vmtree --state "$out/$run-state" serve --tree "$out/tree2" --listen 127.0.0.1:0 \
    --parallelism 50 --rate-limit 0 ${HTTP_THREADS:+--http-threads "$HTTP_THREADS"} ${HTTP_NICE:+--http-nice "$HTTP_NICE"} --no-watch 2>"$out/$run.log" &
  pid=$!
  trap "kill $pid 2>/dev/null || true" EXIT
  for _ in $(seq 1 600); do grep -q "listening on" "$out/$run.log" && break; sleep 0.1; done
  url=$(grep -o 'listening on http://[^ ]*' "$out/$run.log" | cut -d' ' -f3)
  if [ "$warm" = 1 ]; then
    echo "== service ($run): warm-up, apply of the other $N VMs, no reads" >&2
    plan=$(plan "$other")
    apply=$(curl -sS --fail-with-body -X POST "$url/v1/apply" -d "{\"plan\": $plan}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
    curl -sS --fail-with-body "$url/v1/operations/$apply?wait=120s" >/dev/null
    read -r wphase wsteps < <(phase "$out/$run-state/journal.jsonl" "$apply")
    warmup="$wphase $wsteps"
  fi
  p0=$(date +%s.%N)
  plan=$(plan "$measured")
  p1=$(date +%s.%N)
  echo "== service ($run): $FLOOR s of reads with nothing running (the floor)" >&2
  floor=$( (STOP_WHEN_FINAL=0 reads "$plan" -d "${FLOOR}s") | tail -n 1)
  echo "== service ($run): the apply of the same $N VMs as the CLI under $CLIENTS reading connections" >&2
  t0=$(date +%s.%N)
  # the id read with sed, not python: the reads must start as soon as the apply does (python's
  # start took them 0.1-0.3 s into the apply)
  apply=$(curl -sS --fail-with-body -X POST "$url/v1/apply" -d "{\"plan\": $plan}" | sed -n 's/^ *"id" *: *\([0-9]*\).*/\1/p' | head -n 1)
  # wrk runs until it is interrupted (its threads stop by themselves at the first final poll)
  (STOP_WHEN_FINAL=1 reads "$apply" -d 300s) >"$out/$run-wrk.txt" &
  load=$!
  # sed again: the time to the answer is the apply's wall time
  status=$(curl -sS --fail-with-body "$url/v1/operations/$apply?wait=120s" | sed -n 's/^ *"status" *: *"\([a-z]*\)".*/\1/p' | head -n 1)
  t1=$(date +%s.%N)
  kill -INT $load
  wait $load
  kill -TERM $pid; wait $pid || true
  trap - EXIT
  read -r sphase ssteps < <(phase "$out/$run-state/journal.jsonl" "$apply")
  {
    echo "$sphase $ssteps $(python3 -c "print(f'{$t1 - $t0:.2f} {$p1 - $p0:.2f}')") $status"
    echo "$floor"
    tail -n 1 "$out/$run-wrk.txt"
    echo "$warmup"
  } >"$out/$run.txt"
}
service cold 0
service warm 1

if [ "$MEMORY" = 1 ]; then
echo "== service: memory with $BIG descriptors loaded" >&2
big="bench/out/plan-$BIG"
if [ ! -f "$big/.ready" ]; then
  N="$BIG" bench/plan.sh >/dev/null 2>&1 || true
fi
./vmtree --state "$big/state" serve --tree "$big/tree" --listen 127.0.0.1:0 --no-watch 2>"$out/big.log" &
bigpid=$!
trap 'kill $bigpid 2>/dev/null || true' EXIT
for _ in $(seq 1 1200); do grep -q "listening on" "$out/big.log" && break; sleep 0.1; done
bigurl=$(grep -o 'listening on http://[^ ]*' "$out/big.log" | cut -d' ' -f3)
curl -sS "$bigurl/v1/descriptors/f0001/vm000001" >/dev/null 2>&1 || true
jcmd "$bigpid" GC.run >/dev/null 2>&1 || true
sleep 1
rss=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$bigpid/status")
# the young and old generations' "used" (the first lines of GC.heap_info), metaspace left out
heap=$(jcmd "$bigpid" GC.heap_info 2>/dev/null | grep -E 'Gen|garbage-first heap' | grep -Eo 'used [0-9]+K' | grep -Eo '[0-9]+' | paste -sd+ | bc || echo 0)
ready=$(grep -o 'read (generation 1): [0-9]* descriptors in [0-9]* ms' "$out/big.log" || true)
state_count=$(curl -sS "$bigurl/metrics" | awk '/^vmtree_state_descriptors/ {print $2}')
kill -TERM $bigpid; wait $bigpid || true
trap - EXIT
fi

echo
echo "load average: $load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after (2 cores, shared)"
echo "apply of $N sim VMs (latency_ms 20, max_parallel 50, --parallelism 50):"
echo "  CLI      : apply phase ${cli_phase} s ($cli_steps steps); whole command ${cli_whole} s"
report() {  # report RUN TITLE
  local run=$1 phase steps whole planned status floor load p99
  { read -r phase steps whole planned status; read -r floor; read -r load; read -r warmup; } <"$out/$run.txt"
  echo "service, $2:"
  [ -n "$warmup" ] && echo "  warm-up  : apply of the other $N VMs first, no reads: apply phase ${warmup% *} s (${warmup#* } steps)"
  echo "  requests : POST /v1/plan to its final answer $planned s (before the reads); POST /v1/apply to its final answer $whole s (202 -> $status), under the reads"
  python3 -c "w=$planned+$whole; r=w/$cli_whole; print(f'  wall     : plan + apply {w:.2f} s, {r:.2f}x the CLI command (target within 1.2x): ' + ('ok' if r <= 1.2 else 'MISSED'))"
  echo "  apply    : apply phase $phase s ($steps steps), under the reads"
  python3 -c "r=$phase/$cli_phase; print(f'  phase    : {r:.2f}x the CLI apply phase (the stricter measure; within 1.2x: ' + ('yes' if r <= 1.2 else 'NO') + ')')"
  echo "  reads by $CLIENTS connections (wrk -t 2), half GET /v1/descriptors/{one of the N}, half GET /v1/operations/{id}:"
  echo "    floor, nothing running        : $floor"
  echo "    during the apply (until final): $load"
  p99=$(echo "$load" | grep -o 'p99 [0-9.]*' | cut -d' ' -f2 || echo 1e9)
  python3 -c "print('    read p99 target < 50 ms during the apply: ' + ('ok' if ${p99:-1e9} < 50 else 'MISSED'))"
}
report cold "cold (a new service: its first apply)"
report warm "warm (a long-running service: its second apply; the warm-up is not in the figures)"
if [ "$MEMORY" = 1 ]; then
  echo "memory of the service with $BIG descriptors in the tree and $state_count in the state:"
  echo "  tree $ready"
  echo "  RSS ${rss} MiB, heap used after a full GC $((heap / 1024)) MiB"
fi
