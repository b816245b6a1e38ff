package io.vmtree.connector;

import java.util.Objects;

/**
 * A hypervisor call failed. The kind decides what the engine does: retry ({@link Kind#CONFLICT},
 * {@link Kind#TRANSIENT}), mark descriptors unreachable ({@link Kind#UNREACHABLE}), treat the VM as
 * gone ({@link Kind#NOT_FOUND}) or fail the step ({@link Kind#REJECTED}). Messages never contain
 * secrets.
 */
public final class ConnectorException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, as far as the engine needs to know. */
  public enum Kind {
    /** The hypervisor cannot be reached (down, refused, timed out, bad credentials). */
    UNREACHABLE,
    /** The VM (or image, folder) does not exist. */
    NOT_FOUND,
    /** Locked or busy; retrying later may work. */
    CONFLICT,
    /** A passing failure; retrying may work. */
    TRANSIENT,
    /** Refused for good: invalid request, missing privilege, unknown image. */
    REJECTED;

    /** {@return true when the same call may succeed if retried} */
    public boolean retryable() {
      return this == CONFLICT || this == TRANSIENT;
    }
  }

  private final Kind kind;

  /** A failure of {@code kind}. */
  public ConnectorException(Kind kind, String message) {
    super(message);
    this.kind = Objects.requireNonNull(kind);
  }

  /** A failure of {@code kind} with its cause. */
  public ConnectorException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind);
  }

  /** {@return what went wrong} */
  public Kind kind() {
    return kind;
  }

  /** {@return true when the same call may succeed if retried} */
  public boolean retryable() {
    return kind.retryable();
  }
}
