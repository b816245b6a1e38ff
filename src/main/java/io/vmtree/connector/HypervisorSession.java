package io.vmtree.connector;

import java.util.List;
import java.util.Optional;

/**
 * A connection to one hypervisor. The contract, for every implementation:
 *
 * <ul>
 *   <li>{@link #list} never mutates, and is one bulk call: refresh never asks per VM;
 *   <li>every mutating call returns the VM as observed after it;
 *   <li>{@link #create} of a spec whose marker is already on a VM returns that VM (no duplicate);
 *   <li>{@link #delete} of an absent VM succeeds;
 *   <li>failures are {@link ConnectorException}s whose kind says whether to retry.
 * </ul>
 *
 * Sessions are used from several threads at once, up to the hypervisor's {@code max_parallel}.
 */
public interface HypervisorSession extends AutoCloseable {
  /** {@return every VM of the hypervisor, managed or not, in one call} */
  List<LiveVm> list();

  /** {@return the new VM, created from {@code spec.baseImage()} and configured as {@code spec}} */
  LiveVm create(VmSpec spec);

  /**
   * {@return the VM after setting its CPUs, memory, power, tags and description to {@code spec}}
   */
  LiveVm update(String vmId, VmSpec spec);

  /** {@return the VM after renaming it and moving it to the folder and marker of {@code spec}} */
  LiveVm move(String vmId, VmSpec spec);

  /** {@return the VM after a power operation} */
  LiveVm power(String vmId, PowerAction action);

  /** {@return what the delete did; the disks are kept (detached) when {@code keepDisks}} */
  DeleteResult delete(String vmId, boolean keepDisks);

  /**
   * {@return the VM a user names by {@code reference}, for {@code import}: its id here; a connector
   * may accept more (vSphere: an instance UUID or an inventory path such as {@code
   * DC0/vm/lab/pg1}), always answering the VM with its id}
   */
  default Optional<LiveVm> find(String reference) {
    return list().stream().filter(vm -> vm.id().equals(reference)).findFirst();
  }

  /** {@return how many calls this session has made to the hypervisor, for benchmarks} */
  long calls();

  /** Logs out; never throws. */
  @Override
  void close();
}
