package io.vmtree.plan;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What apply would do, against which state. Immutable; saved to a plan file with {@code --out}.
 *
 * @param lineage the state's lineage when planned
 * @param serial the state's serial when planned; apply refuses the plan if it moved on
 * @param treeRoot the tree's directory, which {@code ${file:...}} secrets are relative to
 * @param changes in a stable order: folders to create, descriptors by path, folders to delete
 * @param drift what refresh found, apart from the changes
 * @param transitions the lifecycle transitions refresh saw; reported by plan, recorded by apply
 */
public record Plan(
    String lineage,
    long serial,
    String treeRoot,
    List<Change> changes,
    List<Drift> drift,
    List<Transition> transitions) {
  public Plan {
    Objects.requireNonNull(lineage, "lineage");
    changes = List.copyOf(changes);
    drift = List.copyOf(drift);
    // absent from plan files written before transitions were reported
    transitions = transitions == null ? List.of() : List.copyOf(transitions);
  }

  /** A plan without transitions. */
  public Plan(
      String lineage, long serial, String treeRoot, List<Change> changes, List<Drift> drift) {
    this(lineage, serial, treeRoot, changes, drift, List.of());
  }

  /** {@return true when apply would change nothing} */
  public boolean isEmpty() {
    return changes.isEmpty();
  }

  /** {@return the number of changes per counted action, every action present} */
  public Map<Action, Integer> summary() {
    Map<Action, Integer> summary = new EnumMap<>(Action.class);
    for (Action action : Action.values()) {
      if (action.counted()) {
        summary.put(action, 0);
      }
    }
    for (Change change : changes) {
      summary.computeIfPresent(change.action(), (a, n) -> n + 1);
    }
    return summary;
  }
}
