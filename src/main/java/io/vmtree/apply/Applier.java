package io.vmtree.apply;

import io.vmtree.graph.Dag;
import io.vmtree.graph.Outcome;
import io.vmtree.graph.WalkListener;
import io.vmtree.graph.WalkResult;
import io.vmtree.graph.Walker;
import io.vmtree.ops.Operation;
import io.vmtree.plan.Action;
import io.vmtree.plan.Change;
import io.vmtree.plan.Plan;
import io.vmtree.state.StateBackend;
import io.vmtree.state.StateSnapshot;
import java.time.Clock;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
    // by identity: a change's record hash walks its whole definition, and every step looks up
    // its operation (2% of an apply's CPU went to hashing changes)
    Map<Change, Operation> operations = new IdentityHashMap<>();
    List<Operation> finished = new ArrayList<>();
    Plan runnable = withoutBlocked(plan, runner, finished);
    Dag<Change> graph = ApplyGraph.of(runnable, ApplyGraph.dependsOnInState(snapshot));
    for (Change change : graph.topologicalOrder()) {
      operations.put(change, runner.submit(change));
    }
    Map<Long, Operation> done = new ConcurrentHashMap<>();
    // each chain runs its steps one after the other on one thread, holding the permit of the
    // hypervisor its step calls (a provision takes well under a millisecond of it)
    Dag<List<Change>> chains = graph.chains(Applier::sameVmInTurn);
    // while every slot is busy, the chains two turns ahead run their provision and get their
    // intent written, so that their turn starts with the call (the intent's sync, a millisecond or
    // more, was the largest cost of a step after the call itself)
    PreparedChains prepared = new PreparedChains(runner, chains.vertices(), operations, done);
    WalkResult<List<Change>> result =
        Walker.<List<Change>>create()
            .withListener(WalkListener.none())
            .withPreparer(prepared)
            .walk(
                chains,
                parallelism,
                chain -> {
                  for (Change change : chain) {
                    String hypervisor = runner.hypervisorOf(change);
                    if (hypervisor != null) {
                      return hypervisors.limit(hypervisor);
                    }
                  }
                  return null;
                },
                chain -> {
                  for (int i = prepared.claimForRun(chain); i < chain.size(); i++) {
                    Change change = chain.get(i);
                    Operation op = runner.run(change, operations.get(change));
                    done.put(op.id(), op);
                  }
                  return Outcome.succeeded();
                });
    for (List<Change> chain : chains.vertices()) {
      Outcome<List<Change>> outcome = result.outcome(chain);
      for (int i = 0; i < chain.size(); i++) {
        Change change = chain.get(i);
        Operation submitted = operations.get(change);
        Operation op = done.get(submitted.id());
        if (op == null) {
          Operation failed = runner.failedOr(submitted);
          if (failed != submitted) {
            op = failed;
          } else if (i > 0 && !cancelled(outcome)) {
            // after a step of its chain that did not succeed, as the walker skips dependents
            op = runner.skip(change, submitted, notSucceeded(chain.get(i - 1)));
          } else {
            op = runner.skip(change, submitted, skipReason(outcome));
          }
        }
        finished.add(op);
      }
    }
    finished.sort(java.util.Comparator.comparingLong(Operation::id));
    return new ApplyResult(finished, hypervisors.calls());
  }

  /**
   * Steps that join a chain: a new VM's provision and its deploy, a removed VM's undeploy and its
   * deprovision. One of each pair is state-only, so a chain calls at most one hypervisor.
   */
  private static boolean sameVmInTurn(Change first, Change then) {
    return first.path().equals(then.path())
        && ((first.action() == Action.PROVISION && then.action() == Action.DEPLOY)
            || (first.action() == Action.UNDEPLOY && then.action() == Action.DEPROVISION));
  }

  private static String notSucceeded(Change dependency) {
    return "skipped: " + dependency.key() + " did not succeed";
  }

  private static boolean cancelled(Outcome<List<Change>> outcome) {
    return outcome instanceof Outcome.Skipped<List<Change>> skipped && skipped.dependency() == null;
  }

  private static String skipReason(Outcome<List<Change>> outcome) {
    if (outcome instanceof Outcome.Skipped<List<Change>> skipped && skipped.dependency() != null) {
      List<Change> upstream = skipped.dependency();
      return notSucceeded(upstream.get(upstream.size() - 1));
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
