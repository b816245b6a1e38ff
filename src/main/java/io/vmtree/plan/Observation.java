package io.vmtree.plan;

import io.vmtree.connector.LiveVm;
import java.util.List;

/** What refresh saw of one hypervisor: its VMs, or that it could not be reached. */
public sealed interface Observation {
  /** The hypervisor answered with all its VMs. */
  record Listed(List<LiveVm> vms) implements Observation {
    public Listed {
      vms = List.copyOf(vms);
    }
  }

  /** The hypervisor could not be reached; {@code message} says why. */
  record Unreachable(String message) implements Observation {}
}
