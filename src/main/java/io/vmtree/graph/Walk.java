package io.vmtree.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * One walk. The calling thread is the scheduler: it alone touches the fields below, starts vertices
 * on the pool and learns of their ends through {@link #done}.
 */
final class Walk<V> {
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final Dag<V> dag;
  private final int parallelism;
  private final Function<? super V, Semaphore> limiter;
  private final VertexRunner<V> runner;
  private final WalkListener<V> listener;
  private final BooleanSupplier stopRequested;

  private final List<Outcome<V>> outcomes;
  private final Semaphore[] limits;
  private final int[] waitingOn;
  private final int[] skipStack;
  private final ReadyQueue ready = new ReadyQueue();
  private final BlockingQueue<Done<V>> done = new LinkedBlockingQueue<>();
  private int running;
  private boolean stopped;
  private boolean interrupted;
  private boolean cancelled;

  Walk(
      Dag<V> dag,
      int parallelism,
      Function<? super V, Semaphore> limiter,
      VertexRunner<V> runner,
      WalkListener<V> listener,
      BooleanSupplier stopRequested) {
    this.dag = dag;
    this.parallelism = parallelism;
    this.limiter = limiter;
    this.runner = runner;
    this.listener = listener;
    this.stopRequested = stopRequested;
    this.outcomes = new ArrayList<>(Collections.nCopies(dag.size(), null));
    this.limits = new Semaphore[dag.size()];
    this.waitingOn = new int[dag.size()];
    this.skipStack = new int[dag.size()];
  }

  WalkResult<V> run() {
    if (dag.size() > 0) {
      ExecutorService pool = Executors.newFixedThreadPool(threads(), threadFactory());
      try {
        schedule(pool);
      } finally {
        awaitRunning();
        pool.shutdown();
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
    Map<V, Outcome<V>> result = new LinkedHashMap<>();
    for (int i = 0; i < dag.size(); i++) {
      result.put(dag.vertex(i), outcomes.get(i));
    }
    return new WalkResult<>(result, cancelled);
  }

  private void schedule(ExecutorService pool) {
    for (int i = 0; i < dag.size(); i++) {
      waitingOn[i] = dag.predecessorsOf(i).length;
      if (waitingOn[i] == 0) {
        makeReady(i);
      }
    }
    while (true) {
      stopped = stopped || Thread.currentThread().isInterrupted() || stopRequested.getAsBoolean();
      while (!stopped && running < parallelism) {
        int next = ready.pollStartable();
        if (next < 0) {
          break;
        }
        start(pool, next);
      }
      if (running == 0) {
        if (stopped || ready.isEmpty()) {
          break;
        }
        startAfterWaiting(pool);
      } else {
        complete(take());
      }
    }
    cancelUnstarted();
  }

  private void makeReady(int vertex) {
    limits[vertex] = limiter.apply(dag.vertex(vertex));
    ready.add(vertex, limits[vertex]);
  }

  private void startAfterWaiting(ExecutorService pool) {
    try {
      start(pool, ready.pollBlocking());
    } catch (InterruptedException e) {
      interrupted = true;
      stopped = true;
    }
  }

  private void start(ExecutorService pool, int vertex) {
    V v = dag.vertex(vertex);
    Semaphore limit = limits[vertex];
    running++;
    try {
      listener.started(v);
    } catch (RuntimeException | Error e) {
      running--;
      release(limit);
      throw e;
    }
    pool.execute(
        () -> {
          Outcome<V> outcome;
          try {
            outcome = Objects.requireNonNull(runner.run(v), "runner returned no outcome");
          } catch (Throwable t) {
            outcome = Outcome.failed(t);
          } finally {
            release(limit);
          }
          done.add(new Done<>(vertex, outcome));
        });
  }

  private void complete(Done<V> end) {
    running--;
    outcomes.set(end.vertex, end.outcome);
    listener.finished(dag.vertex(end.vertex), end.outcome);
    if (end.outcome.isSuccess()) {
      for (int dependent : dag.successorsOf(end.vertex)) {
        if (--waitingOn[dependent] == 0) {
          makeReady(dependent);
        }
      }
    } else {
      skipDependents(end.vertex);
    }
  }

  private void skipDependents(int root) {
    String message =
        "upstream "
            + dag.vertex(root)
            + (outcomes.get(root) instanceof Outcome.Failed ? " failed" : " was skipped");
    int[] stack = skipStack;
    int top = 0;
    stack[top++] = root;
    while (top > 0) {
      int vertex = stack[--top];
      for (int dependent : dag.successorsOf(vertex)) {
        if (outcomes.get(dependent) == null) {
          Outcome<V> skipped = new Outcome.Skipped<>(message, dag.vertex(vertex));
          outcomes.set(dependent, skipped);
          listener.finished(dag.vertex(dependent), skipped);
          stack[top++] = dependent;
        }
      }
    }
  }

  private void cancelUnstarted() {
    for (int i = 0; i < dag.size(); i++) {
      if (outcomes.get(i) == null) {
        cancelled = true;
        Outcome<V> skipped = new Outcome.Skipped<>(Walker.CANCELLED, null);
        outcomes.set(i, skipped);
        listener.finished(dag.vertex(i), skipped);
      }
    }
  }

  private static void release(Semaphore limit) {
    if (limit != null) {
      limit.release();
    }
  }

  private Done<V> take() {
    while (true) {
      try {
        return done.take();
      } catch (InterruptedException e) {
        interrupted = true;
        stopped = true;
      }
    }
  }

  /** Only after a listener, limiter or stop check threw: the running vertices still finish. */
  private void awaitRunning() {
    while (running > 0) {
      take();
      running--;
    }
  }

  private int threads() {
    return Math.min(parallelism, dag.size());
  }

  private static ThreadFactory threadFactory() {
    int pool = POOLS.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, "walker-" + pool + "-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  private record Done<V>(int vertex, Outcome<V> outcome) {}
}
