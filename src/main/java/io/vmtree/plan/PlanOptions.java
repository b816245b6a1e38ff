package io.vmtree.plan;

import io.vmtree.tree.TreePath;
import java.util.Set;

/**
 * How to plan (SPEC §4 {@code plan} flags).
 *
 * @param targets only these paths (a folder means its subtree) and what they depend on; empty means
 *     everything
 * @param replace descriptors to replace even if nothing changed
 */
public record PlanOptions(Set<TreePath> targets, Set<TreePath> replace) {
  /** Plan everything, replace nothing. */
  public static final PlanOptions ALL = new PlanOptions(Set.of(), Set.of());

  public PlanOptions {
    targets = Set.copyOf(targets);
    replace = Set.copyOf(replace);
  }
}
