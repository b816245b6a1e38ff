package io.vmtree.apply;

import io.vmtree.ops.Operation;
import io.vmtree.ops.OperationStatus;
import java.util.List;
import java.util.Map;

/**
 * How an apply ended: every operation with its final status, and the hypervisor calls made.
 *
 * @param calls hypervisor calls per hypervisor name
 */
public record ApplyResult(List<Operation> operations, Map<String, Long> calls) {
  public ApplyResult {
    operations = List.copyOf(operations);
    calls = Map.copyOf(calls);
  }

  /** {@return how many operations ended with {@code status}} */
  public long count(OperationStatus status) {
    return operations.stream().filter(op -> op.status() == status).count();
  }

  /** {@return true when no operation failed or was skipped for a failure} */
  public boolean isSuccess() {
    return operations.stream()
        .allMatch(op -> op.status() == OperationStatus.SUCCEEDED || isBlocked(op));
  }

  /** {@return true for an update skipped because it needs a reboot that is not allowed} */
  public static boolean isBlocked(Operation op) {
    return op.status() == OperationStatus.SKIPPED
        && op.error() != null
        && op.error().startsWith(Applier.BLOCKED);
  }
}
