package io.vmtree.plan;

import io.vmtree.tree.Status;
import java.util.Objects;

/**
 * A lifecycle transition refresh saw for one descriptor (SPEC §1): its VM is gone, its hypervisor
 * stopped or started answering. Read-only commands report it; {@code apply} records it.
 *
 * @param reason a sentence saying what was seen
 */
public record Transition(String fullName, Status from, Status to, String reason) {
  public Transition {
    Objects.requireNonNull(fullName, "fullName");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(reason, "reason");
  }

  /** {@return what the descriptor's {@code last_error} becomes: the reason, or null when healed} */
  public String lastError() {
    return to == Status.DEPLOYED ? null : reason;
  }
}
