package io.vmtree.plan;

import java.util.Locale;

/** What kind of difference refresh found between state and the hypervisors (SPEC §4, §11). */
public enum DriftKind {
  /** Fields of the VM differ from {@code deployed_config}. */
  CHANGED,
  /** The VM is gone. */
  MISSING,
  /** Its hypervisor cannot be reached. */
  UNREACHABLE,
  /** A VM without a vmtree marker on a managed hypervisor. */
  UNMANAGED,
  /** A VM with a vmtree marker for a path the state does not know. */
  ORPHANED;

  /** {@return the lowercase word used in output} */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
