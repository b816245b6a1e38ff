package io.vmtree.engine;

import io.vmtree.apply.Hypervisors;
import io.vmtree.apply.Retry;
import io.vmtree.connector.ConnectorException;
import io.vmtree.connector.LiveVm;
import io.vmtree.connector.PowerAction;
import io.vmtree.diag.Diagnostics;
import io.vmtree.ops.Operation;
import io.vmtree.ops.OperationStatus;
import io.vmtree.state.DescriptorState;
import io.vmtree.state.LastOperation;
import io.vmtree.state.StateBackend;
import io.vmtree.tree.Status;
import io.vmtree.tree.TreePath;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * Starts, stops or restarts the VM of one deployed descriptor (SPEC §7 {@code vm().start()}): one
 * journaled operation, under the state lock, within the hypervisor's {@code max_parallel}.
 *
 * <p>The tree still decides: a power operation does not change {@code deployed_config}, so stopping
 * a VM whose tree says {@code power: on} shows as drift, and the next apply starts it again.
 */
final class Power {
  private Power() {}

  /**
   * {@return the operation, final: succeeded, or failed with the hypervisor's error}
   *
   * @throws EngineException when the descriptor has no VM to act on
   */
  static Operation run(
      StateBackend state,
      Hypervisors hypervisors,
      TreePath path,
      PowerAction action,
      Operation submitted,
      Clock clock) {
    DescriptorState d = state.read().descriptors().get(path);
    refuseUnless(d, path, action);
    hypervisors.register(d.deployedConfig());
    Operation running = submitted.running(clock.instant());
    state.journal().append(running);
    Semaphore limit = hypervisors.limit(d.hypervisor());
    limit.acquireUninterruptibly();
    try {
      LiveVm vm =
          Retry.DEFAULT.call(() -> hypervisors.session(d.hypervisor())).power(d.vmId(), action);
      Map<String, Object> result = Map.of("vm_id", vm.id(), "power", vm.poweredOn() ? "on" : "off");
      Operation done = running.succeeded(clock.instant(), result);
      state.put(with(d, d.status(), null, last(done, "succeeded")));
      state.journal().append(done);
      return done;
    } catch (ConnectorException e) {
      String error = "cannot " + label(action) + " " + path + ": " + e.getMessage();
      Operation failed = running.ended(clock.instant(), OperationStatus.FAILED, error);
      Status status =
          e.kind() == ConnectorException.Kind.UNREACHABLE ? Status.UNREACHABLE : d.status();
      state.put(with(d, status, error, last(failed, "failed")));
      state.journal().append(failed);
      return failed;
    } finally {
      limit.release();
    }
  }

  /** {@return the operation type of {@code action}: start, stop or restart} */
  static String label(PowerAction action) {
    return action.name().toLowerCase(java.util.Locale.ROOT);
  }

  private static void refuseUnless(DescriptorState d, TreePath path, PowerAction action) {
    String why = null;
    if (d == null) {
      why = "no descriptor " + path + " in the state: apply it first";
    } else if (d.pending() != null) {
      why =
          "operation "
              + d.pending().id()
              + " on "
              + path
              + " was interrupted and is not resolved yet: run apply or refresh first";
    } else if (d.status() == Status.PROVISIONED) {
      why = path + " is provisioned: it has no VM to " + label(action);
    } else if (d.status() == Status.UNREACHABLE) {
      why = path + " is unreachable: hypervisor " + d.hypervisor() + " did not answer last time";
    }
    if (why != null) {
      throw new EngineException(why, new Diagnostics());
    }
  }

  private static LastOperation last(Operation op, String outcome) {
    return new LastOperation(op.id(), op.type(), op.started(), op.finished(), outcome, op.result());
  }

  private static DescriptorState with(
      DescriptorState d, Status status, String lastError, LastOperation last) {
    return new DescriptorState(
        d.fullName(),
        status,
        d.vmId(),
        d.hypervisor(),
        d.localDefinition(),
        d.deployedConfig(),
        lastError,
        last,
        d.lifecycle(),
        d.dependsOn(),
        null);
  }
}
