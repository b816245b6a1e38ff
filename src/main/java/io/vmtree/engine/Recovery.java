package io.vmtree.engine;

import io.vmtree.connector.LiveVm;
import io.vmtree.ops.Operation;
import io.vmtree.ops.OperationStatus;
import io.vmtree.plan.Observation;
import io.vmtree.state.DescriptorState;
import io.vmtree.state.LastOperation;
import io.vmtree.state.StateBackend;
import io.vmtree.state.StateSnapshot;
import io.vmtree.tree.Status;
import java.time.Clock;
import java.util.Map;

/**
 * Resolves operations a killed process left unfinished (ARCHITECTURE habit 5): by looking, not
 * guessing. A descriptor with a pending operation is matched to the VM carrying its marker: found,
 * the VM is adopted; gone, the descriptor is provisioned and the next plan redoes what is needed.
 * When the hypervisor cannot be asked, the descriptor keeps its pending mark and says what to
 * check. Runs under the state lock, before planning.
 */
final class Recovery {
  private Recovery() {}

  /** {@return true when the state holds unfinished operations} */
  static boolean needed(StateSnapshot snapshot, StateBackend state) {
    return snapshot.descriptors().values().stream().anyMatch(d -> d.pending() != null)
        || state.journal().list().stream().anyMatch(op -> !op.status().isFinal());
  }

  /** Resolves every unfinished operation; returns how many descriptors it changed. */
  static int resolve(
      StateSnapshot snapshot, StateBackend state, Map<String, Observation> observed, Clock clock) {
    int changed = 0;
    for (DescriptorState d : snapshot.descriptors().values()) {
      if (d.pending() != null) {
        changed += resolve(d, state, observed, clock);
      }
    }
    for (Operation op : state.journal().list()) {
      if (!op.status().isFinal()) {
        state
            .journal()
            .append(
                op.ended(
                    clock.instant(),
                    OperationStatus.FAILED,
                    "interrupted: the process running it ended before it finished"));
      }
    }
    return changed;
  }

  private static int resolve(
      DescriptorState d, StateBackend state, Map<String, Observation> observed, Clock clock) {
    LastOperation pending = d.pending();
    String hypervisor = d.hypervisorToLookOn();
    Observation observation = hypervisor == null ? null : observed.get(hypervisor);
    if (!(observation instanceof Observation.Listed listed)) {
      String why =
          "operation "
              + pending.id()
              + " ("
              + pending.type()
              + ") was interrupted and could not be checked: hypervisor "
              + hypervisor
              + " did not answer; look there for a VM marked "
              + d.fullName();
      state.put(
          with(d, d.status(), d.vmId(), d.hypervisor(), d.deployedConfig(), why, d.pending()));
      return 1;
    }
    LiveVm vm =
        listed.byId(d.vmId()).or(() -> listed.byMarker(d.fullName().toString())).orElse(null);
    String outcome;
    DescriptorState resolved;
    if (vm != null && !vm.id().equals(d.vmId())) {
      // a VM the interrupted step created (deploy, or the second half of a replace): adopt it
      // with the config it was created from
      Map<String, Object> config = configOf(d);
      outcome = "interrupted; resolved by looking: VM " + vm.id() + " exists and was adopted";
      resolved = with(d, Status.DEPLOYED, vm.id(), hypervisor, config, outcome, null);
    } else if (vm != null) {
      // the VM it had: whether the step changed it is unknown, so keep what was last applied;
      // the next plan compares with the live VM and does again whatever is still needed
      outcome = "interrupted; resolved by looking: VM " + vm.id() + " still exists";
      resolved = with(d, Status.DEPLOYED, vm.id(), hypervisor, d.deployedConfig(), outcome, null);
    } else {
      outcome = "interrupted; resolved by looking: no VM marked " + d.fullName() + " exists";
      resolved = with(d, Status.PROVISIONED, null, null, null, outcome, null);
    }
    state.put(resolved);
    state
        .journal()
        .get(pending.id())
        .filter(op -> !op.status().isFinal())
        .ifPresent(
            op ->
                state.journal().append(op.ended(clock.instant(), OperationStatus.FAILED, outcome)));
    return 1;
  }

  private static Map<String, Object> configOf(DescriptorState d) {
    Map<String, Object> pending = d.pendingConfig();
    return pending != null ? pending : d.deployedConfig();
  }

  private static DescriptorState with(
      DescriptorState d,
      Status status,
      String vmId,
      String hypervisor,
      Map<String, Object> deployedConfig,
      String lastError,
      LastOperation pending) {
    return new DescriptorState(
        d.fullName(),
        status,
        vmId,
        hypervisor,
        d.localDefinition(),
        status == Status.PROVISIONED ? null : deployedConfig,
        lastError,
        d.lastOperation(),
        d.lifecycle(),
        d.dependsOn(),
        pending);
  }
}
