package io.vmtree.connector.sim;

/** A sim world's files cannot be read or written (permissions, a full disk, a damaged file). */
public final class SimWorldException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  SimWorldException(String message, Throwable cause) {
    super(message, cause);
  }
}
