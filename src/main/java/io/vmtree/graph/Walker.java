package io.vmtree.graph;

import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Runs the vertices of a {@link Dag} in parallel. A vertex starts once all its dependencies
 * succeeded; when one fails or is skipped, everything that depends on it is skipped and the rest of
 * the graph still runs. Instances are immutable and may run any number of walks, also at once.
 */
public final class Walker<V> {
  /** The message of a vertex skipped because a stop was requested before it could start. */
  public static final String CANCELLED = "cancelled";

  private final WalkListener<V> listener;
  private final BooleanSupplier stopRequested;
  private final Preparer<V> preparer;

  private Walker(WalkListener<V> listener, BooleanSupplier stopRequested, Preparer<V> preparer) {
    this.listener = listener;
    this.stopRequested = stopRequested;
    this.preparer = preparer;
  }

  /** {@return a walker with no listener that never stops early and prepares nothing ahead} */
  public static <V> Walker<V> create() {
    return new Walker<>(WalkListener.none(), () -> false, null);
  }

  /** {@return a copy of this walker that reports progress to {@code listener}} */
  public Walker<V> withListener(WalkListener<V> listener) {
    return new Walker<>(Objects.requireNonNull(listener, "listener"), stopRequested, preparer);
  }

  /**
   * {@return a copy of this walker that has the vertices waiting for a slot prepared by {@code
   * preparer}, a turn of every slot ahead of their start (see {@link Preparer})}
   */
  public Walker<V> withPreparer(Preparer<V> preparer) {
    return new Walker<>(listener, stopRequested, Objects.requireNonNull(preparer, "preparer"));
  }

  /**
   * {@return a copy of this walker that starts nothing new once {@code stopRequested} answers true:
   * running vertices finish and the unstarted ones are skipped as {@value #CANCELLED}}
   *
   * <p>It is asked whenever vertices could start: at the beginning and after each completion, one
   * call at a time, from any thread of the walk.
   */
  public Walker<V> withStopRequested(BooleanSupplier stopRequested) {
    return new Walker<>(listener, Objects.requireNonNull(stopRequested, "stopRequested"), preparer);
  }

  /**
   * {@return how every vertex of {@code dag} ended, once none is running any more}
   *
   * <p>At most {@code parallelism} vertices run at once, each on a thread of a pool owned by this
   * call, and each only while holding a permit of {@code limiter.apply(vertex)} (null means no
   * limit beyond {@code parallelism}). The thread that ends a vertex goes on with the next one that
   * can start. Permits are taken with {@code tryAcquire}, so a vertex waiting for a saturated
   * semaphore occupies no thread and vertices of other groups go ahead. Interrupting the walking
   * thread acts as a stop request; its interrupt status is set again before this returns.
   *
   * @throws IllegalArgumentException when {@code parallelism} is less than 1
   */
  public WalkResult<V> walk(
      Dag<V> dag, int parallelism, Function<? super V, Semaphore> limiter, VertexRunner<V> run) {
    Objects.requireNonNull(dag, "dag");
    Objects.requireNonNull(limiter, "limiter");
    Objects.requireNonNull(run, "run");
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
    }
    return new Walk<>(dag, parallelism, limiter, run, listener, stopRequested, preparer).run();
  }
}
