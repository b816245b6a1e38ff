package io.vmtree.definition;

import java.util.Locale;

/** Whether the VM should be running. */
public enum Power {
  ON,
  OFF;

  /** {@return the lowercase word used in files and output} */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
