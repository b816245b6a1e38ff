package io.vmtree.graph;

import java.util.Objects;

/**
 * How one vertex of a walk ended. A runner returns {@link Succeeded} or {@link Failed} (or {@link
 * Skipped} when it decides not to act); the walker records {@link Skipped} for every vertex it did
 * not run. Only {@link Succeeded} lets dependents start.
 */
public sealed interface Outcome<V> permits Outcome.Succeeded, Outcome.Failed, Outcome.Skipped {

  /** The three ways a vertex ends, for callers that switch on it. */
  enum Status {
    SUCCEEDED,
    FAILED,
    SKIPPED
  }

  /** {@return which of the three this is} */
  Status status();

  /** {@return why it failed or was skipped; empty when it succeeded} */
  String message();

  /** {@return true when the vertex succeeded} */
  default boolean isSuccess() {
    return status() == Status.SUCCEEDED;
  }

  /** {@return the outcome of a vertex that did its work} */
  static <V> Outcome<V> succeeded() {
    return new Succeeded<>();
  }

  /** {@return the outcome of a vertex that failed without an exception} */
  static <V> Outcome<V> failed(String message) {
    return new Failed<>(message, null);
  }

  /** {@return the outcome of a vertex that failed with {@code cause}} */
  static <V> Outcome<V> failed(Throwable cause) {
    String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
    return new Failed<>(message, cause);
  }

  /** {@return the outcome of a vertex that chose not to act; its dependents are skipped too} */
  static <V> Outcome<V> skipped(String message) {
    return new Skipped<>(message, null);
  }

  /** The vertex did its work. */
  record Succeeded<V>() implements Outcome<V> {
    @Override
    public Status status() {
      return Status.SUCCEEDED;
    }

    @Override
    public String message() {
      return "";
    }
  }

  /**
   * The vertex failed.
   *
   * @param cause what the runner threw, or null when it returned this outcome itself
   */
  record Failed<V>(String message, Throwable cause) implements Outcome<V> {
    public Failed {
      Objects.requireNonNull(message, "message");
    }

    @Override
    public Status status() {
      return Status.FAILED;
    }
  }

  /**
   * The vertex did not run, or chose not to act.
   *
   * @param message why, naming the vertex upstream that failed, or {@code cancelled}
   * @param dependency the direct dependency that did not succeed, or null when the walk was
   *     cancelled before the vertex could start or the runner returned this outcome itself
   */
  record Skipped<V>(String message, V dependency) implements Outcome<V> {
    public Skipped {
      Objects.requireNonNull(message, "message");
    }

    @Override
    public Status status() {
      return Status.SKIPPED;
    }
  }
}
