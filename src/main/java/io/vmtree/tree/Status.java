package io.vmtree.tree;

import java.util.Locale;

/** Where a descriptor is in its lifecycle (SPEC §1). */
public enum Status {
  /** Known to vmtree; no VM on a hypervisor. */
  PROVISIONED,
  /** Its VM exists. */
  DEPLOYED,
  /** Its hypervisor cannot be reached. */
  UNREACHABLE;

  /** {@return the lowercase word used in files and output} */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
