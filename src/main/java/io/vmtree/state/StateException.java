package io.vmtree.state;

/** The state cannot be read or written: a corrupt file, a newer format, a failed write. */
public class StateException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A failure with a message naming the file. */
  public StateException(String message) {
    super(message);
  }

  /** A failure with a message naming the file, and its cause. */
  public StateException(String message, Throwable cause) {
    super(message, cause);
  }
}
