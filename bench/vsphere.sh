#!/usr/bin/env bash
# Benchmark (issue: the vSphere connector), on govmomi's vCenter simulator (built by
# src/test/go/vcsim/build.sh, which installs its two Debian packages when missing):
#   1. refresh of a vCenter holding 1,000 VMs: `vmtree plan` of a tree deployed on it. Prints the
#      SOAP round trips the session counted and those the simulator served (login, the container
#      view read, logout: the floor is about 7, whatever the VM count) and the wall time.
#   2. deploy of 100 VMs (10 folders of 10) from a template at --parallelism 10, then 50, each on
#      a fresh simulator: wall time of the command and of the deploy phase (from the journal).
# Usage: bench/vsphere.sh          VMS=1000 DEPLOY=100 bench/vsphere.sh
set -euo pipefail
cd "$(dirname "$0")/.."
VMS="${VMS:-1000}"
DEPLOY="${DEPLOY:-100}"
out="bench/out/vsphere"
rm -rf "$out" && mkdir -p "$out"
./vmtree --version >/dev/null
sim="$(src/test/go/vcsim/build.sh)"
export VC_PASSWORD="bench-$RANDOM$RANDOM"
pid=""
stop_sim() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""; fi; }
trap stop_sim EXIT

start_sim() { # $1: VMs in the cluster; sets url, thumbprint, pid
  rm -f "$out/sim.txt"
  "$sim" -l 127.0.0.1:0 -host 5 -vm "$1" -template tmpl -user vmtree -password "$VC_PASSWORD" \
    >"$out/sim.txt" 2>"$out/sim.err" &
  pid=$!
  for _ in $(seq 1 600); do [ -s "$out/sim.txt" ] && break; sleep 0.1; done
  read -r url thumbprint <"$out/sim.txt"
  base="${url%/sdk}"
  hostport="${base#https://}"
}
served() { curl -sk "$base/vmtree/requests"; }

tree() { # $1: dir, $2: descriptors
  python3 - "$1" "$2" "$hostport" "$thumbprint" <<'PY'
import os, sys
root, n, host, thumb = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
os.makedirs(root, exist_ok=True)
open(os.path.join(root, "_folder.yaml"), "w").write(f"""definition:
  hypervisors:
    vc1:
      type: vmware
      host: "{host}"
      user: vmtree
      password: "${{env:VC_PASSWORD}}"
      thumbprint: "{thumb}"
      datacenter: DC0
      cluster: DC0_C0
      vm_folder: vmtree
      max_parallel: 50
  use_hypervisor: vc1
  prototypes:
    small: {{base_image: tmpl, vcpu: 1, memory: 1GiB}}
  use_prototype: small
""")
for i in range(n):
    d = os.path.join(root, f"f{i // 10:02d}")
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, f"vm{i:04d}.yaml"), "w").write("definition: {}\n")
PY
}

echo "== refresh of a vCenter with $VMS VMs"
start_sim "$VMS"
tree "$out/refresh-tree" 10
./vmtree --state "$out/refresh-state" apply "$out/refresh-tree" --auto-approve >/dev/null
before=$(served)
s=$(date +%s.%N)
./vmtree --state "$out/refresh-state" plan "$out/refresh-tree" --detailed-exitcode >"$out/plan.txt" 2>"$out/plan.err"
e=$(date +%s.%N)
after=$(served)
listed=$(python3 -c "print($VMS + 10 - 1)")
echo "VMs on the vCenter:             $listed (+1 template)"
echo "session (vmtree's count):       $(grep -o 'with [0-9]* call(s)' "$out/plan.err") (login 3 + view 3; logout follows)"
echo "simulator served:               $((after - before)) SOAP requests for the whole plan command"
python3 -c "print(f'plan wall time (JVM included):  {$e - $s:.2f} s')"
stop_sim

for par in 10 50; do
  echo "== deploy of $DEPLOY VMs at --parallelism $par"
  start_sim "$VMS"
  rm -rf "$out/deploy-$par-state"
  tree "$out/deploy-$par-tree" "$DEPLOY"
  before=$(served)
  s=$(date +%s.%N)
  ./vmtree --state "$out/deploy-$par-state" apply "$out/deploy-$par-tree" --auto-approve \
    --parallelism "$par" --json >"$out/deploy-$par.json"
  e=$(date +%s.%N)
  after=$(served)
  python3 - "$out/deploy-$par.json" "$s" "$e" "$((after - before))" "$DEPLOY" <<'PY'
import json, sys
from datetime import datetime
doc = json.load(open(sys.argv[1]))
s, e, served, n = float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
def t(x): return datetime.fromisoformat(x.replace("Z", "+00:00")).timestamp()
deploys = [o for o in doc["operations"] if o["type"] == "deploy" and o["status"] == "succeeded"]
phase = max(t(o["finished"]) for o in deploys) - min(t(o["started"]) for o in deploys)
print(f"deployed:                       {len(deploys)} of {n}")
print(f"deploy phase:                   {phase:.2f} s ({phase / len(deploys) * 1000:.0f} ms per VM)")
print(f"whole command:                  {e - s:.2f} s")
print(f"SOAP requests:                  {served} ({served / len(deploys):.1f} per VM)")
PY
  stop_sim
done
