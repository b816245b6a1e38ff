package io.vmtree.apply;

import io.vmtree.graph.Dag;
import io.vmtree.graph.Outcome;
import io.vmtree.graph.WalkListener;
import io.vmtree.graph.WalkResult;
import io.vmtree.graph.Walker;
import io.vmtree.ops.Operation;
import io.vmtree.plan.Change;
import io.vmtree.plan.Plan;
import io.vmtree.state.StateBackend;
import io.vmtree.state.StateSnapshot;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a plan: builds its graph, gives every change an operation id, and walks the graph in
 * parallel within {@code --parallelism} and each hypervisor's {@code max_parallel}. A failed step
 * skips only what depends on it; state is saved after every step.
 */
public final class Applier {
  /** How the error of a blocked update starts. */
  public static final String BLOCKED = "blocked:";

  private final StateBackend state;
  private final Hypervisors hypervisors;
  private final Clock clock;
  private final Retry retry;

  /** An applier writing to {@code state} and calling {@code hypervisors}. */
  public Applier(StateBackend state, Hypervisors hypervisors, Clock clock, Retry retry) {
    this.state = state;
    this.hypervisors = hypervisors;
    this.clock = clock;
    this.retry = retry;
  }

  /**
   * {@return every operation of the plan, final}
   *
   * @param snapshot the state the plan was checked against (its serial matches the plan's)
   */
  public ApplyResult apply(
      Plan plan, StateSnapshot snapshot, int parallelism, ApplyListener listener) {
    for (Change change : plan.changes()) {
      if (change.desired() != null) {
        hypervisors.register(change.desired().config());
      }
      if (change.previous() != null) {
        hypervisors.register(change.previous());
      }
    }
    StepRunner runner =
        new StepRunner(state, hypervisors, retry, clock, listener, snapshot.descriptors());
    Map<Change, Operation> operations = new LinkedHashMap<>();
    List<Operation> finished = new ArrayList<>();
    Plan runnable = withoutBlocked(plan, runner, finished);
    Dag<Change> graph = ApplyGraph.of(runnable, ApplyGraph.dependsOnInState(snapshot));
    for (Change change : graph.topologicalOrder()) {
      operations.put(change, runner.submit(change));
    }
    Map<Change, Operation> done = new java.util.concurrent.ConcurrentHashMap<>();
    WalkResult<Change> result =
        Walker.<Change>create()
            .withListener(WalkListener.none())
            .walk(
                graph,
                parallelism,
                change -> {
                  String hypervisor = runner.hypervisorOf(change);
                  return hypervisor == null ? null : hypervisors.limit(hypervisor);
                },
                change -> {
                  done.put(change, runner.run(change, operations.get(change)));
                  return Outcome.succeeded();
                });
    for (Change change : graph.topologicalOrder()) {
      Operation op = done.get(change);
      if (op == null) {
        Outcome<Change> outcome = result.outcome(change);
        op =
            outcome instanceof Outcome.Failed<Change> failed
                    && failed.cause() instanceof StepFailure
                ? runner.failedOr(operations.get(change))
                : runner.skip(change, operations.get(change), skipReason(outcome));
      }
      finished.add(op);
    }
    finished.sort(java.util.Comparator.comparingLong(Operation::id));
    return new ApplyResult(finished, hypervisors.calls());
  }

  private static String skipReason(Outcome<Change> outcome) {
    if (outcome instanceof Outcome.Skipped<Change> skipped && skipped.dependency() != null) {
      return "skipped: " + skipped.dependency().key() + " did not succeed";
    }
    return outcome.message().isEmpty() ? "skipped" : outcome.message();
  }

  private Plan withoutBlocked(Plan plan, StepRunner runner, List<Operation> finished) {
    List<Change> runnable = new ArrayList<>();
    for (Change change : plan.changes()) {
      if (change.blocked()) {
        finished.add(
            runner.skip(
                change,
                runner.submit(change),
                BLOCKED
                    + " the change needs the VM powered off; set lifecycle.allow_reboot: true"
                    + " to let vmtree power-cycle it"));
      } else {
        runnable.add(change);
      }
    }
    return new Plan(plan.lineage(), plan.serial(), plan.treeRoot(), runnable, plan.drift());
  }
}
