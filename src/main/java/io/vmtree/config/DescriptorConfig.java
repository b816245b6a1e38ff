package io.vmtree.config;

import io.vmtree.definition.Definition;
import io.vmtree.definition.Valued;
import io.vmtree.diag.Origin;
import io.vmtree.tree.Lifecycle;
import io.vmtree.tree.Target;
import io.vmtree.tree.TreePath;
import java.util.List;
import java.util.Objects;

/**
 * A VM descriptor of the desired tree, from its own file or written inline in a folder's {@code
 * vms:} map.
 *
 * @param origin where the descriptor starts: {@code file:1:1} for a file, the key of an inline
 *     entry; errors about missing parameters point here
 * @param targetOrigin where {@code target} is written; where the descriptor starts when it is not
 *     (the default, deployed)
 * @param dependsOn absolute paths this VM is deployed after, each with where it was written
 */
public record DescriptorConfig(
    TreePath path,
    Definition definition,
    Target target,
    Origin targetOrigin,
    List<Valued<TreePath>> dependsOn,
    Lifecycle lifecycle,
    Origin origin) {
  public DescriptorConfig {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(definition, "definition");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(targetOrigin, "targetOrigin");
    dependsOn = List.copyOf(dependsOn);
    Objects.requireNonNull(lifecycle, "lifecycle");
    Objects.requireNonNull(origin, "origin");
  }

  /** {@return the descriptor's name, the last segment of its path} */
  public String name() {
    return path.name();
  }
}
