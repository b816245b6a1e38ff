#!/usr/bin/env python3
"""Writes a tree of N descriptors on H sim hypervisors, for the engine benchmarks.

Usage: gen-sim-tree.py --descriptors N --hypervisors H --latency-ms L --max-parallel P --out DIR
Descriptors are spread over folders of 100, round-robin over the hypervisors, all from one
prototype, so that apply makes exactly one create call per VM.
"""
import argparse
import os
import shutil

p = argparse.ArgumentParser()
p.add_argument("--descriptors", type=int, required=True)
p.add_argument("--hypervisors", type=int, default=1)
p.add_argument("--latency-ms", type=int, default=20)
p.add_argument("--max-parallel", type=int, default=50)
p.add_argument("--per-folder", type=int, default=100)
p.add_argument("--out", required=True)
a = p.parse_args()

if os.path.exists(a.out):
    shutil.rmtree(a.out)
os.makedirs(a.out)
with open(os.path.join(a.out, "_folder.yaml"), "w") as f:
    f.write("definition:\n  hypervisors:\n")
    for h in range(1, a.hypervisors + 1):
        f.write(f"    sim{h}: {{type: sim, host: bench-{h}, latency_ms: {a.latency_ms}, "
                f"max_parallel: {a.max_parallel}}}\n")
    f.write("  prototypes:\n    small: {base_image: debian-12, vcpu: 2, memory: 2GiB}\n")
    f.write("  use_prototype: small\n  use_hypervisor: sim1\n  tags: {bench: \"yes\"}\n")

n = 0
folder = 0
while n < a.descriptors:
    folder += 1
    d = os.path.join(a.out, f"f{folder:04d}")
    os.makedirs(d)
    with open(os.path.join(d, "_folder.yaml"), "w") as f:
        f.write("vms:\n")
        for _ in range(min(a.per_folder, a.descriptors - n)):
            n += 1
            h = (n - 1) % a.hypervisors + 1
            f.write(f"  vm{n:06d}: {{definition: {{use_hypervisor: sim{h}}}}}\n")
print(f"{n} descriptors in {folder} folders on {a.hypervisors} sim hypervisor(s) -> {a.out}")
