package io.vmtree.graph;

/**
 * Progress of a walk, for output. Every call comes from the thread that called {@link Walker#walk},
 * one at a time, so a listener needs no locking. A listener must not throw: if it does, nothing
 * more starts, the running vertices finish and the exception leaves {@code walk}.
 */
public interface WalkListener<V> {

  /** Called just before {@code vertex} is handed to the runner. */
  default void started(V vertex) {}

  /**
   * Called once per vertex when its outcome is known; a skipped vertex gets this call without a
   * {@link #started} before it.
   */
  default void finished(V vertex, Outcome<V> outcome) {}

  /** {@return a listener that ignores everything} */
  static <V> WalkListener<V> none() {
    return new WalkListener<>() {};
  }
}
