package io.vmtree.ops;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One operation (SPEC §6): every change apply makes and every request to the service.
 *
 * @param id unique and increasing, given when submitted
 * @param type the action: provision, deploy, update, replace, move, undeploy, deprovision,
 *     create_folder, delete_folder, start, stop, restart, plan, apply, import ...
 * @param targets the full names it acts on
 * @param started null until it runs
 * @param finished null until it is final
 * @param result what it produced (e.g. {@code vm_id}, kept disks), JSON-friendly values
 * @param error why it failed or was skipped, or null
 */
public record Operation(
    long id,
    String type,
    List<String> targets,
    Instant submitted,
    Instant started,
    Instant finished,
    OperationStatus status,
    Map<String, Object> result,
    String error) {
  public Operation {
    targets = List.copyOf(targets);
    Objects.requireNonNull(submitted, "submitted");
    Objects.requireNonNull(status, "status");
    result = Map.copyOf(result);
  }

  /** {@return this operation, now running} */
  public Operation running(Instant at) {
    return new Operation(
        id, type, targets, submitted, at, null, OperationStatus.RUNNING, result, null);
  }

  /** {@return this operation, succeeded with {@code result}} */
  public Operation succeeded(Instant at, Map<String, Object> result) {
    return new Operation(
        id, type, targets, submitted, started, at, OperationStatus.SUCCEEDED, result, null);
  }

  /** {@return this operation, failed or skipped because of {@code error}} */
  public Operation ended(Instant at, OperationStatus status, String error) {
    return new Operation(id, type, targets, submitted, started, at, status, result, error);
  }
}
