package io.vmtree.tree;

import java.util.Locale;

/** What the descriptor file asks for: a VM that exists, or only a known descriptor. */
public enum Target {
  DEPLOYED,
  PROVISIONED;

  /** {@return the lowercase word used in files} */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
