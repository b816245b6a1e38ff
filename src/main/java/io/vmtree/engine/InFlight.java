package io.vmtree.engine;

import io.vmtree.plan.Drift;
import io.vmtree.plan.DriftKind;
import io.vmtree.plan.Transition;
import io.vmtree.state.DescriptorState;
import io.vmtree.state.StateSnapshot;
import io.vmtree.tree.Status;
import io.vmtree.tree.TreePath;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Drift read while an apply runs. The state is read before the hypervisors are listed, so a VM an
 * apply creates in between looks {@code orphaned} (its marker is not in the state that was read)
 * and one it deletes looks {@code missing}. Both are checked again against the state as read after
 * the listing: an apply records its intent durably before it calls a hypervisor, so a VM that was
 * listed is known to a state read after it, and a VM an apply deleted is marked there as pending,
 * provisioned or replaced.
 */
final class InFlight {
  private InFlight() {}

  /**
   * {@return what of {@code drift} still holds against the state read after the listing}; reads it
   * only when there is an orphaned or missing VM to confirm
   */
  static Confirmed confirm(
      List<Drift> drift, List<Transition> transitions, Supplier<StateSnapshot> readAfter) {
    boolean doubtful =
        drift.stream()
            .anyMatch(d -> d.kind() == DriftKind.ORPHANED || d.kind() == DriftKind.MISSING);
    if (!doubtful) {
      return new Confirmed(drift, transitions);
    }
    StateSnapshot after = readAfter.get();
    Set<String> explained = new HashSet<>();
    List<Drift> kept =
        drift.stream()
            .filter(
                d -> {
                  boolean inFlight =
                      switch (d.kind()) {
                        case ORPHANED -> known(after, d.fullName());
                        case MISSING -> beingChanged(after, d);
                        default -> false;
                      };
                  if (inFlight) {
                    explained.add(d.fullName());
                  }
                  return !inFlight;
                })
            .toList();
    List<Transition> keptTransitions =
        transitions.stream()
            .filter(t -> !(t.to() == Status.PROVISIONED && explained.contains(t.fullName())))
            .toList();
    return new Confirmed(kept, keptTransitions);
  }

  private static boolean known(StateSnapshot after, String marker) {
    try {
      return after.descriptors().containsKey(TreePath.of(marker));
    } catch (IllegalArgumentException notAPath) {
      return false;
    }
  }

  /** The descriptor's VM is being deleted or replaced, or was, since the first read. */
  private static boolean beingChanged(StateSnapshot after, Drift missing) {
    DescriptorState now = after.descriptors().get(TreePath.of(missing.fullName()));
    return now == null
        || now.pending() != null
        || now.status() == Status.PROVISIONED
        || !Objects.equals(now.vmId(), missing.vmId());
  }

  /** The drift and the transitions that were not an apply at work. */
  record Confirmed(List<Drift> drift, List<Transition> transitions) {}
}
