package io.vmtree.engine;

import io.vmtree.plan.Observation;
import io.vmtree.plan.RefreshTransitions;
import io.vmtree.plan.Transition;
import io.vmtree.state.DescriptorState;
import io.vmtree.state.StateBackend;
import io.vmtree.state.StateSnapshot;
import io.vmtree.tree.Status;
import java.util.Map;

/**
 * Records the lifecycle transitions refresh saw (SPEC §1, {@link RefreshTransitions}). Read-only
 * commands only report them; apply records them, under the lock, before it plans.
 */
final class SeenOnRefresh {
  private SeenOnRefresh() {}

  /** {@return how many descriptors changed status} */
  static int record(StateSnapshot snapshot, Map<String, Observation> observed, StateBackend state) {
    int changed = 0;
    for (Transition t : RefreshTransitions.of(snapshot, observed)) {
      DescriptorState d = snapshot.descriptors().get(io.vmtree.tree.TreePath.of(t.fullName()));
      state.put(with(d, t.to(), t.to() != Status.PROVISIONED, t.lastError()));
      changed++;
    }
    return changed;
  }

  /** {@code keepVm} carries the VM fields over; false clears them (the VM is gone). */
  private static DescriptorState with(
      DescriptorState d, Status status, boolean keepVm, String lastError) {
    return new DescriptorState(
        d.fullName(),
        status,
        keepVm ? d.vmId() : null,
        keepVm ? d.hypervisor() : null,
        d.localDefinition(),
        keepVm ? d.deployedConfig() : null,
        lastError,
        d.lastOperation(),
        d.lifecycle(),
        d.dependsOn(),
        null);
  }
}
