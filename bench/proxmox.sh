#!/usr/bin/env bash
# Benchmark (issue 7: the Proxmox VE connector), against the PVE API test server of the test
# sources (HTTPS on 127.0.0.1):
#   1. refresh of N VMs (default 2,000) on one cluster, twice in one process: the hypervisor
#      calls of each (target: 1 bulk call when nothing changed), and after one VM changed; then
#      `./vmtree plan` in new processes: cache cold, cache warm (target: 1 call), after one VM
#      changed, and with VMTREE_PROXMOX_FULL_REFRESH=1;
#   2. apply of M new VMs (default 50) through the CLI: wall time against the serial sum of the
#      PVE task times (clone 2 s, config/start 0.2 s).
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-2000}"
M="${2:-50}"
./vmtree --version >/dev/null
mvn -q -o test-compile dependency:build-classpath -Dmdep.outputFile=bench/out/proxmox.cp \
  -Dmdep.includeScope=test >&2 || mvn -q test-compile dependency:build-classpath \
  -Dmdep.outputFile=bench/out/proxmox.cp -Dmdep.includeScope=test >&2
mkdir -p bench/out
java -cp "target/test-classes:target/classes:$(cat bench/out/proxmox.cp)" \
  io.vmtree.bench.ProxmoxBench "$N" "$M"
