package io.vmtree.connector;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A VM as the hypervisor reports it: facts only; the engine computes differences.
 *
 * @param id the hypervisor's id of the VM (the descriptor's {@code vm_id})
 * @param folder the folder path segments it sits in (empty at the top)
 * @param marker the full name of the descriptor that created it, or null for a VM vmtree does not
 *     manage (SPEC §9)
 * @param baseImage the image it was created from, when the hypervisor knows it, else null
 * @param disks ids or paths of its disks
 * @param cpuHotAdd whether CPUs can be added while it runs (else a change needs it powered off)
 * @param memoryHotAdd whether memory can be added while it runs
 */
public record LiveVm(
    String id,
    String name,
    List<String> folder,
    int vcpu,
    long memoryMib,
    boolean poweredOn,
    Map<String, String> tags,
    String description,
    String marker,
    String baseImage,
    List<String> disks,
    boolean cpuHotAdd,
    boolean memoryHotAdd) {
  public LiveVm {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    folder = List.copyOf(folder);
    tags = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(tags));
    disks = List.copyOf(disks);
  }

  /** A VM of a hypervisor that resizes running VMs upwards (the sim). */
  public LiveVm(
      String id,
      String name,
      List<String> folder,
      int vcpu,
      long memoryMib,
      boolean poweredOn,
      Map<String, String> tags,
      String description,
      String marker,
      String baseImage,
      List<String> disks) {
    this(
        id,
        name,
        folder,
        vcpu,
        memoryMib,
        poweredOn,
        tags,
        description,
        marker,
        baseImage,
        disks,
        true,
        true);
  }

  /** {@return true when vmtree created this VM (it carries a marker)} */
  public boolean isManaged() {
    return marker != null;
  }
}
