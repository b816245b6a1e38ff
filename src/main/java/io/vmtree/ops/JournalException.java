package io.vmtree.ops;

/** The journal cannot be read or appended to: a corrupt line, a failed write. */
public final class JournalException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A failure with a message naming the file (and line). */
  public JournalException(String message) {
    super(message);
  }

  /** A failure with a message naming the file (and line), and its cause. */
  public JournalException(String message, Throwable cause) {
    super(message, cause);
  }
}
