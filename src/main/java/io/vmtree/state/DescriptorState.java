package io.vmtree.state;

import io.vmtree.tree.Lifecycle;
import io.vmtree.tree.Status;
import io.vmtree.tree.TreePath;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The persisted properties of one descriptor (SPEC §1). Config maps are JSON-friendly (strings,
 * numbers, booleans, lists, maps; memory in canonical form) and never hold a secret.
 *
 * @param vmId the hypervisor's id of the VM, null while provisioned
 * @param hypervisor the name of the hypervisor entry the VM lives on, null while provisioned
 * @param localDefinition the {@code definition:} block as last applied, as plain data
 * @param deployedConfig the computed definition when deployed or last updated; null while
 *     provisioned
 * @param lastError the last error or warning, or null
 * @param lastOperation the last operation on it, or null
 * @param pending an operation started on it whose outcome was never recorded (the process died);
 *     resolved by looking at the hypervisor before anything else is done to it
 */
public record DescriptorState(
    TreePath fullName,
    Status status,
    String vmId,
    String hypervisor,
    Map<String, Object> localDefinition,
    Map<String, Object> deployedConfig,
    String lastError,
    LastOperation lastOperation,
    Lifecycle lifecycle,
    List<TreePath> dependsOn,
    LastOperation pending) {
  public DescriptorState {
    Objects.requireNonNull(fullName, "fullName");
    Objects.requireNonNull(status, "status");
    localDefinition = Map.copyOf(localDefinition);
    deployedConfig = deployedConfig == null ? null : Map.copyOf(deployedConfig);
    Objects.requireNonNull(lifecycle, "lifecycle");
    dependsOn = List.copyOf(dependsOn);
  }

  /**
   * {@return the config the pending operation was applying (for a deploy, what the VM is being
   * created from), or null when none is pending or it recorded none}
   */
  @SuppressWarnings("unchecked")
  public Map<String, Object> pendingConfig() {
    if (pending == null || !(pending.result().get("config") instanceof Map<?, ?> config)) {
      return null;
    }
    return config.isEmpty() ? null : (Map<String, Object>) config;
  }

  /**
   * {@return the hypervisor to look for its VM on: the one it lives on, or, for a deploy
   * interrupted before its outcome was saved, the one it was being created on; null when neither is
   * known}
   */
  public String hypervisorToLookOn() {
    if (hypervisor != null) {
      return hypervisor;
    }
    Map<String, Object> config = pendingConfig();
    Object name = config == null ? null : config.get("use_hypervisor");
    return name == null ? null : name.toString();
  }
}
