package io.vmtree.engine;

import io.vmtree.diag.Diagnostics;

/** The engine cannot do what was asked; the diagnostics say why. */
public final class EngineException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient Diagnostics diagnostics;

  /** An exception carrying the diagnostics that explain it. */
  public EngineException(String message, Diagnostics diagnostics) {
    super(message);
    this.diagnostics = diagnostics;
  }

  /** {@return the problems found, each with its origin} */
  public Diagnostics diagnostics() {
    return diagnostics;
  }
}
