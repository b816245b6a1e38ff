package io.vmtree.connector.sim;

import java.util.List;
import java.util.Objects;

/** One line of a world's log ({@code world.jsonl}): what changed, in the order it changed. */
sealed interface WorldRecord {
  /** A VM as it is now: created, or changed in any way. */
  record Put(SimVm vm) implements WorldRecord {
    public Put {
      Objects.requireNonNull(vm.id(), "a VM in the log has an id");
    }
  }

  /** A VM deleted; the disks it kept, if any. */
  record Deleted(String id, List<String> keptDisks) implements WorldRecord {
    public Deleted {
      Objects.requireNonNull(id, "id");
      keptDisks = List.copyOf(keptDisks);
    }
  }

  /**
   * Whether the hypervisor is down, and the next id at least: the first line of a compacted log
   * (whose deleted VMs no longer tell how far ids went), and every {@code sim down}/{@code up}.
   */
  record Status(long nextId, boolean down) implements WorldRecord {}

  /** Disks kept by VMs deleted before the log was compacted. */
  record KeptDisks(List<String> disks) implements WorldRecord {
    public KeptDisks {
      disks = List.copyOf(disks);
    }
  }
}
