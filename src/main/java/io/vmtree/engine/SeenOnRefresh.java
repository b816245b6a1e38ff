package io.vmtree.engine;

import io.vmtree.plan.Observation;
import io.vmtree.state.DescriptorState;
import io.vmtree.state.StateBackend;
import io.vmtree.state.StateSnapshot;
import io.vmtree.tree.Status;
import java.util.Map;

/**
 * Records the lifecycle transitions refresh saw (SPEC §1): a VM gone makes its descriptor {@code
 * provisioned}; a hypervisor that does not answer makes its descriptors {@code unreachable}, and
 * {@code deployed} again once it answers. Read-only commands only report these; apply records them,
 * under the lock, before it plans.
 */
final class SeenOnRefresh {
  private SeenOnRefresh() {}

  /** {@return how many descriptors changed status} */
  static int record(StateSnapshot snapshot, Map<String, Observation> observed, StateBackend state) {
    int changed = 0;
    for (DescriptorState d : snapshot.descriptors().values()) {
      if (d.status() == Status.PROVISIONED || d.pending() != null || d.hypervisor() == null) {
        continue;
      }
      Observation observation = observed.get(d.hypervisor());
      DescriptorState next = null;
      if (observation instanceof Observation.Unreachable down && d.status() == Status.DEPLOYED) {
        next =
            with(
                d,
                Status.UNREACHABLE,
                d,
                "hypervisor " + d.hypervisor() + " is unreachable: " + down.message());
      } else if (observation instanceof Observation.Listed listed) {
        boolean present = listed.byId(d.vmId()).isPresent();
        if (!present) {
          String why =
              "VM " + d.vmId() + " was missing on " + d.hypervisor() + " (seen on refresh)";
          next = with(d, Status.PROVISIONED, null, why);
        } else if (d.status() == Status.UNREACHABLE) {
          next = with(d, Status.DEPLOYED, d, null);
        }
      }
      if (next != null) {
        state.put(next);
        changed++;
      }
    }
    return changed;
  }

  /** {@code keep} carries the VM fields over; null clears them (the VM is gone). */
  private static DescriptorState with(
      DescriptorState d, Status status, DescriptorState keep, String lastError) {
    return new DescriptorState(
        d.fullName(),
        status,
        keep == null ? null : d.vmId(),
        keep == null ? null : d.hypervisor(),
        d.localDefinition(),
        keep == null ? null : d.deployedConfig(),
        lastError,
        d.lastOperation(),
        d.lifecycle(),
        d.dependsOn(),
        null);
  }
}
