package io.vmtree.apply;

/** A step could not be done; the message says what and why, for the user and the journal. */
public final class StepFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A failure with a message and its cause. */
  public StepFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
