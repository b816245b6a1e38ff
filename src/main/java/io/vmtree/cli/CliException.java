package io.vmtree.cli;

/** A failure a command reports to the user as one message, with an exit code. */
public final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int exitCode;

  /** A failure with a message fit for a user. */
  public CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  /** {@return the process exit code} */
  public int exitCode() {
    return exitCode;
  }
}
