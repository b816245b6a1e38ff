package io.vmtree.apply;

import io.vmtree.graph.Preparer;
import io.vmtree.ops.Operation;
import io.vmtree.plan.Change;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The chains of an apply made ready for their hypervisor call while they wait for a slot: their
 * state-only steps before the call run (a new VM's provision) and the call's intent is written
 * durably. The durable intent still comes before the call; it is just no longer written in the time
 * the call could have been running. Whichever of the preparer and the chain's own run claims a
 * chain first does this part of it.
 */
final class PreparedChains implements Preparer<List<Change>> {
  private static final int UNCLAIMED = 0;
  private static final int PREPARER = 1;
  private static final int RUN = 2;

  private final StepRunner runner;
  private final Map<Change, Operation> operations;
  private final Map<Long, Operation> done;
  private final Map<List<Change>, Claim> claims = new IdentityHashMap<>();

  /**
   * @param operations the operation of every change
   * @param done where the operations of steps run here go, by id, as the chain's run puts its own
   */
  PreparedChains(
      StepRunner runner,
      List<List<Change>> chains,
      Map<Change, Operation> operations,
      Map<Long, Operation> done) {
    this.runner = runner;
    this.operations = operations;
    this.done = done;
    for (List<Change> chain : chains) {
      claims.put(chain, new Claim());
    }
  }

  private static final class Claim {
    final AtomicInteger owner = new AtomicInteger(UNCLAIMED);
    final CountDownLatch prepared = new CountDownLatch(1);
    // written by the preparer before prepared counts down, read by the run after it
    int stepsDone;
    StepFailure failure;
  }

  @Override
  public void prepare(List<List<Change>> chains) {
    List<Claim> claimed = new ArrayList<>();
    List<StepRunner.Intent> intents = new ArrayList<>();
    try {
      for (List<Change> chain : chains) {
        Claim claim = claims.get(chain);
        if (callsHypervisor(chain) && claim.owner.compareAndSet(UNCLAIMED, PREPARER)) {
          claimed.add(claim);
          StepRunner.Intent intent = stepsBeforeCall(chain, claim);
          if (intent != null) {
            intents.add(intent);
          }
        }
      }
      runner.writeIntentsAhead(intents);
    } finally {
      for (Claim claim : claimed) {
        claim.prepared.countDown();
      }
    }
  }

  private boolean callsHypervisor(List<Change> chain) {
    for (Change change : chain) {
      if (runner.hypervisorOf(change) != null) {
        return true;
      }
    }
    return false;
  }

  /** Runs the chain's steps up to its call; {@return the call's intent, if it makes one} */
  private StepRunner.Intent stepsBeforeCall(List<Change> chain, Claim claim) {
    for (Change change : chain) {
      Operation op = operations.get(change);
      if (runner.hypervisorOf(change) != null) {
        return runner.intentAhead(change, op);
      }
      try {
        Operation finished = runner.run(change, op);
        done.put(finished.id(), finished);
        claim.stepsDone++;
      } catch (StepFailure failure) {
        claim.failure = failure;
        return null;
      }
    }
    return null;
  }

  /**
   * {@return how many of the chain's first steps are done}: none when its run claims it first, else
   * what the preparer did, once it is done
   *
   * @throws StepFailure when one of the steps done ahead failed
   */
  int claimForRun(List<Change> chain) {
    Claim claim = claims.get(chain);
    if (claim.owner.compareAndSet(UNCLAIMED, RUN)) {
      return 0;
    }
    boolean interrupted = false;
    while (true) {
      try {
        claim.prepared.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true; // the preparation finishes in moments, and the chain needs it
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (claim.failure != null) {
      throw claim.failure;
    }
    return claim.stepsDone;
  }
}
