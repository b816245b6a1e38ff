package io.vmtree.graph;

/**
 * Progress of a walk, for output. The calls come one at a time, in order, under the walk's lock, so
 * a listener needs no locking of its own; they come from any thread of the walk (the one that ends
 * a vertex reports it and starts the next), so a listener must be quick. A listener must not throw:
 * if it does, nothing more starts, the running vertices finish and the exception leaves {@code
 * walk}.
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
