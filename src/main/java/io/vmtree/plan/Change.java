package io.vmtree.plan;

import io.vmtree.tree.TreePath;
import java.util.List;
import java.util.Objects;

/**
 * One planned change of one descriptor or folder.
 *
 * @param from the old full name, for a move; else null
 * @param desired what the descriptor becomes; null for folder changes, undeploy and deprovision
 * @param previous the {@code deployed_config} it starts from (for undeploy, replace: where the VM
 *     is), or null
 * @param requiresReboot the change can only be made with the VM powered off
 * @param blocked a reboot is needed but {@code lifecycle.allow_reboot} is false: not applied
 */
public record Change(
    TreePath path,
    Action action,
    List<Reason> reasons,
    TreePath from,
    Desired desired,
    java.util.Map<String, Object> previous,
    boolean requiresReboot,
    boolean blocked) {
  public Change {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(action, "action");
    reasons = List.copyOf(reasons);
    previous = previous == null ? null : java.util.Map.copyOf(previous);
  }

  /** Reason fields that concern only what the state records, never the VM. */
  public static final java.util.Set<String> STATE_FIELDS =
      java.util.Set.of("local_definition", "lifecycle", "depends_on");

  /** {@return true for an update that only rewrites the state (lifecycle, dependencies, ...)} */
  public boolean stateOnly() {
    return action == Action.UPDATE
        && !reasons.isEmpty()
        && reasons.stream().allMatch(r -> STATE_FIELDS.contains(r.field()));
  }

  /** {@return a short id for graphs and messages: {@code deploy /lab/web1}} */
  public String key() {
    return action.label() + " " + path;
  }
}
