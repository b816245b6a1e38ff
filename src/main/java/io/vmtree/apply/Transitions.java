package io.vmtree.apply;

import io.vmtree.plan.Action;
import io.vmtree.tree.Status;
import io.vmtree.tree.TreePath;

/**
 * The lifecycle of SPEC §1, enforced in one place: which action may run from which status, and the
 * status it leads to. Any other transition is an error.
 */
public final class Transitions {
  private Transitions() {}

  /**
   * {@return the status after {@code action}; null when the descriptor is gone}
   *
   * @param current the status now; null when the descriptor does not exist
   * @throws IllegalStateException naming the descriptor when the transition is not allowed
   */
  public static Status next(TreePath path, Status current, Action action) {
    Status next =
        switch (action) {
          case PROVISION -> current == null ? Status.PROVISIONED : null;
          case DEPLOY -> current == Status.PROVISIONED ? Status.DEPLOYED : null;
          case UNDEPLOY -> isLive(current) ? Status.PROVISIONED : null;
          case DEPROVISION -> current == Status.PROVISIONED ? Status.PROVISIONED : null;
          case UPDATE, MOVE -> current;
          case REPLACE -> isLive(current) ? Status.DEPLOYED : null;
          case CREATE_FOLDER, DELETE_FOLDER -> current;
        };
    if (next == null && !(action == Action.CREATE_FOLDER || action == Action.DELETE_FOLDER)) {
      throw new IllegalStateException(
          "cannot "
              + action.label()
              + " "
              + path
              + " while it is "
              + (current == null ? "not provisioned" : current.label()));
    }
    return action == Action.DEPROVISION ? null : next;
  }

  private static boolean isLive(Status status) {
    return status == Status.DEPLOYED || status == Status.UNREACHABLE;
  }
}
