package io.vmtree.connector.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A world as its log says it is, in memory: the VMs by id, who carries which marker, the kept
 * disks, the next id and whether it is down. Not thread-safe: {@link WorldLog} guards it.
 */
final class WorldModel {
  /** VMs by id: shorter ids first, so {@code vm-999999} comes before {@code vm-1000000}. */
  static final Comparator<SimVm> BY_ID =
      Comparator.comparing((SimVm vm) -> vm.id().length()).thenComparing(SimVm::id);

  private final Map<String, SimVm> vms = new HashMap<>();
  private final Map<String, String> idsByMarker = new HashMap<>();
  private final TreeSet<String> keptDisks = new TreeSet<>();
  // the length of the line that holds each VM as it is now: what a compacted log would keep
  private final Map<String, Integer> lineLengths = new HashMap<>();
  private long liveBytes;
  private long nextId = 1;
  private boolean down;

  /** Applies {@code record}, which takes {@code length} bytes in the log. */
  void apply(WorldRecord record, int length) {
    if (record instanceof WorldRecord.Put put) {
      SimVm vm = put.vm();
      SimVm old = vms.put(vm.id(), vm);
      if (old != null) {
        forgetMarker(old);
      }
      if (vm.marker() != null) {
        idsByMarker.put(vm.marker(), vm.id());
      }
      Integer before = lineLengths.put(vm.id(), length);
      liveBytes += length - (before == null ? 0 : before);
      nextId = Math.max(nextId, number(vm.id()) + 1);
    } else if (record instanceof WorldRecord.Deleted deleted) {
      SimVm old = vms.remove(deleted.id());
      if (old != null) {
        forgetMarker(old);
      }
      Integer before = lineLengths.remove(deleted.id());
      liveBytes -= before == null ? 0 : before;
      if (!deleted.keptDisks().isEmpty()) {
        keptDisks.addAll(deleted.keptDisks());
        liveBytes += length;
      }
    } else if (record instanceof WorldRecord.KeptDisks kept) {
      keptDisks.addAll(kept.disks());
      liveBytes += length;
    } else if (record instanceof WorldRecord.Status status) {
      nextId = Math.max(nextId, status.nextId());
      down = status.down();
    } else {
      throw new IllegalArgumentException("no rule for " + record);
    }
  }

  /** A marker's entry goes with the VM that set it last; another VM may have taken it since. */
  private void forgetMarker(SimVm old) {
    if (old.marker() != null && old.id().equals(idsByMarker.get(old.marker()))) {
      idsByMarker.remove(old.marker());
    }
  }

  /** {@return the number of a sim id, 0 for an id of another shape or beyond any count} */
  static long number(String id) {
    if (!WorldFiles.isVmId(id) || id.length() > 21) {
      return 0;
    }
    return Long.parseLong(id, 3, id.length(), 10);
  }

  Optional<SimVm> get(String id) {
    return Optional.ofNullable(vms.get(id));
  }

  /** {@return the VM that carries {@code marker} now, if any} */
  Optional<SimVm> carrying(String marker) {
    String id = idsByMarker.get(marker);
    SimVm vm = id == null ? null : vms.get(id);
    return vm != null && marker.equals(vm.marker()) ? Optional.of(vm) : Optional.empty();
  }

  /** {@return every VM, by id} */
  List<SimVm> list() {
    List<SimVm> all = new ArrayList<>(vms.values());
    all.sort(BY_ID);
    return all;
  }

  List<String> keptDisks() {
    return List.copyOf(keptDisks);
  }

  /** {@return the id the next VM gets} */
  String nextId() {
    return SimWorld.vmId(nextId);
  }

  long nextIdNumber() {
    return nextId;
  }

  boolean down() {
    return down;
  }

  /** {@return what the log would hold if compacted now, roughly, in bytes} */
  long liveBytes() {
    return liveBytes;
  }
}
