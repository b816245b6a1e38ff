package io.vmtree.engine;

import io.vmtree.ops.Operation;
import io.vmtree.ops.OperationStatus;
import io.vmtree.state.LastOperation;
import io.vmtree.state.StateBackend;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs a change made by a state tool ({@code state mv|rm}, {@code import}) as an operation of the
 * journal (SPEC §6, §11): given its id when submitted, journaled {@code running} before the state
 * is touched and {@code succeeded} or {@code failed} after, like every step of apply.
 */
final class StateOperation {
  private StateOperation() {}

  /**
   * {@return the operation, succeeded, after running {@code body} with it}
   *
   * @param body makes the change, given the running operation; returns the operation's result
   * @throws RuntimeException what {@code body} threw, after journaling the operation as failed
   */
  static Operation run(
      StateBackend state,
      Clock clock,
      String type,
      List<String> targets,
      Function<Operation, Map<String, Object>> body) {
    Operation submitted =
        new Operation(
            state.nextOperationId(),
            type,
            targets,
            clock.instant(),
            null,
            null,
            OperationStatus.PENDING,
            Map.of(),
            null);
    Operation running = submitted.running(clock.instant());
    state.journal().append(running);
    try {
      Map<String, Object> result = body.apply(running);
      Operation done = running.succeeded(clock.instant(), result);
      state.journal().append(done);
      return done;
    } catch (RuntimeException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      state.journal().append(running.ended(clock.instant(), OperationStatus.FAILED, why));
      throw e;
    }
  }

  /** {@return what a descriptor keeps of {@code op}, finished now with {@code result}} */
  static LastOperation last(Operation op, Clock clock, Map<String, Object> result) {
    return new LastOperation(
        op.id(), op.type(), op.started(), clock.instant(), "succeeded", result);
  }
}
