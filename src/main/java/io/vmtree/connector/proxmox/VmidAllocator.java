package io.vmtree.connector.proxmox;

import io.vmtree.connector.ConnectorException;
import io.vmtree.connector.ConnectorException.Kind;
import io.vmtree.connector.proxmox.PveSettings.VmidRange;
import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;

/**
 * Hands out VM ids. PVE's {@code /cluster/nextid} only reports a free id, it reserves nothing, so
 * parallel clones asking it get the same answer and all but one fail. vmtree allocates instead: one
 * allocator per cluster in the process (apply holds the state lock, so one process applies at a
 * time), seeded with every id the cluster listed, each candidate confirmed free with {@code GET
 * /cluster/nextid?vmid=N} (which answers "VM N already exists" otherwise) and never handed out
 * twice. An id some other tool takes between the check and the clone makes the clone fail with
 * "config file already exists"; the caller then marks it taken and asks again.
 */
final class VmidAllocator {
  private static final Map<String, VmidAllocator> CLUSTERS = new ConcurrentHashMap<>();

  private final BitSet taken = new BitSet();

  /** {@return the allocator of the cluster {@code key}, shared by every session of the process} */
  static VmidAllocator of(String key) {
    return CLUSTERS.computeIfAbsent(key, k -> new VmidAllocator());
  }

  /** Records ids in use (from a listing), so they are never offered. */
  synchronized void seen(Iterable<Integer> vmids) {
    vmids.forEach(taken::set);
  }

  /** Records an id found in use. */
  synchronized void taken(int vmid) {
    taken.set(vmid);
  }

  /**
   * {@return a VM id in {@code range} no one else has been given}
   *
   * @param isFree asks PVE whether an id is free (false on "already exists")
   * @throws ConnectorException REJECTED when the range is used up
   */
  synchronized int allocate(VmidRange range, IntPredicate isFree, String hypervisor) {
    int candidate = taken.nextClearBit(range.first());
    while (candidate <= range.last()) {
      taken.set(candidate);
      if (isFree.test(candidate)) {
        return candidate;
      }
      candidate = taken.nextClearBit(candidate + 1);
    }
    throw new ConnectorException(
        Kind.REJECTED,
        hypervisor + ": no free VM id left in vmid_range " + range + "; widen vmid_range");
  }
}
