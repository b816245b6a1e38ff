package io.vmtree.plan;

import io.vmtree.tree.TreePath;
import java.util.Set;

/**
 * How to plan (SPEC §4 {@code plan} flags).
 *
 * @param targets only these paths (a folder means its subtree) and what they depend on; empty means
 *     everything
 * @param replace descriptors to replace even if nothing changed
 * @param targetsNamed whether the targets were named by a person ({@code --target}): then a target
 *     that names nothing in the tree or the state is an error, most likely a typo that would
 *     otherwise look like "no changes". A service's scopes may name subtrees not made yet.
 */
public record PlanOptions(Set<TreePath> targets, Set<TreePath> replace, boolean targetsNamed) {
  /** Plan everything, replace nothing. */
  public static final PlanOptions ALL = new PlanOptions(Set.of(), Set.of());

  public PlanOptions {
    targets = Set.copyOf(targets);
    replace = Set.copyOf(replace);
  }

  /** Targets that may name nothing yet, such as a service's scopes. */
  public PlanOptions(Set<TreePath> targets, Set<TreePath> replace) {
    this(targets, replace, false);
  }
}
