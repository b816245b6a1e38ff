package io.vmtree.plan;

import io.vmtree.connector.LiveVm;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What refresh saw of one hypervisor: its VMs, or that it could not be reached. */
public sealed interface Observation {
  /** The hypervisor answered with all its VMs, indexed by id and by marker. */
  final class Listed implements Observation {
    private final List<LiveVm> vms;
    private final Map<String, LiveVm> byId = new HashMap<>();
    private final Map<String, LiveVm> byMarker = new HashMap<>();

    /** What a hypervisor's bulk list returned. */
    public Listed(List<LiveVm> vms) {
      this.vms = List.copyOf(vms);
      for (LiveVm vm : this.vms) {
        byId.put(vm.id(), vm);
        if (vm.marker() != null) {
          byMarker.putIfAbsent(vm.marker(), vm);
        }
      }
    }

    /** {@return every VM, as listed} */
    public List<LiveVm> vms() {
      return vms;
    }

    /** {@return the VM with this id, if listed} */
    public Optional<LiveVm> byId(String id) {
      return Optional.ofNullable(id == null ? null : byId.get(id));
    }

    /** {@return a VM carrying this marker (a descriptor's full name), if listed} */
    public Optional<LiveVm> byMarker(String marker) {
      return Optional.ofNullable(byMarker.get(marker));
    }
  }

  /** The hypervisor could not be reached; {@code message} says why. */
  record Unreachable(String message) implements Observation {}
}
