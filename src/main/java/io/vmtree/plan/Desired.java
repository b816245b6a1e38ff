package io.vmtree.plan;

import io.vmtree.tree.Lifecycle;
import io.vmtree.tree.Target;
import io.vmtree.tree.TreePath;
import java.util.List;
import java.util.Map;

/**
 * What a change brings the descriptor to, so that a saved plan is self-contained (SPEC §11):
 * applying it needs no tree.
 *
 * @param config the computed definition as plain data (memory canonical, secrets only as references
 *     or masked) — becomes {@code deployed_config}
 * @param localDefinition the descriptor's own {@code definition:} block, as plain data
 */
public record Desired(
    Map<String, Object> config,
    Map<String, Object> localDefinition,
    Target target,
    Lifecycle lifecycle,
    List<TreePath> dependsOn) {
  public Desired {
    config = Map.copyOf(config);
    localDefinition = Map.copyOf(localDefinition);
    dependsOn = List.copyOf(dependsOn);
  }
}
