package io.vmtree.engine;

import io.vmtree.config.DesiredTree;
import io.vmtree.definition.ComputedDefinition;
import io.vmtree.diag.Diagnostics;
import io.vmtree.tree.TreePath;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code validate} found: the tree (absent when its root could not be read), the computed
 * definition of every descriptor, and every diagnostic.
 */
public record Validation(
    Optional<DesiredTree> tree,
    Map<TreePath, ComputedDefinition> computed,
    Diagnostics diagnostics) {
  public Validation {
    computed = Map.copyOf(computed);
  }

  /** {@return true when there is no error (warnings allowed)} */
  public boolean isValid() {
    return tree.isPresent() && !diagnostics.hasErrors();
  }
}
