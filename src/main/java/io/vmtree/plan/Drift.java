package io.vmtree.plan;

import java.util.List;
import java.util.Objects;

/**
 * A difference between the state and a hypervisor.
 *
 * @param fullName the descriptor (or, for unmanaged VMs, {@code hypervisor:name})
 * @param hypervisor the hypervisor entry's name
 * @param vmId the VM's id, when there is a VM
 * @param message a sentence for unreachable hypervisors, else null
 */
public record Drift(
    String fullName,
    DriftKind kind,
    List<DriftField> fields,
    String hypervisor,
    String vmId,
    String message) {
  public Drift {
    Objects.requireNonNull(fullName, "fullName");
    Objects.requireNonNull(kind, "kind");
    fields = List.copyOf(fields);
  }

  /** {@return true when this drift should fail a CI job: not only ignored fields} */
  public boolean counts() {
    return kind != DriftKind.CHANGED || fields.stream().anyMatch(f -> !f.ignored());
  }
}
