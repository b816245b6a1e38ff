package io.vmtree.diag;

/** How bad a diagnostic is: errors make a command fail, warnings are only shown. */
public enum Severity {
  ERROR,
  WARNING;

  /** {@return the lowercase word printed before a message} */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
