package io.vmtree.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * One walk. Its scheduling state is guarded by the walk's lock ({@code this}). The thread that ends
 * a vertex records its outcome, makes its dependents ready and goes on with the next vertex that
 * can start, on itself; others that can start then go to idle threads of the pool. So a vertex
 * starts without waking any thread, and no single thread has to get a processor for every start:
 * with many threads busy on few processors, each wake-up waited its turn behind all of them (10 to
 * 30 ms on two cores while the JVM was still interpreting). The calling thread starts the walk and
 * waits for its end; it starts a vertex itself only when none runs and every waiting one needs a
 * permit held outside the walk.
 */
final class Walk<V> {
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final Dag<V> dag;
  private final int parallelism;
  private final Function<? super V, Semaphore> limiter;
  private final VertexRunner<V> runner;
  private final WalkListener<V> listener;
  private final BooleanSupplier stopRequested;
  private final Preparer<V> preparer;
  private final int number = POOLS.incrementAndGet();

  // guarded by this
  private final List<Outcome<V>> outcomes;
  private final Semaphore[] limits;
  private final int[] waitingOn;
  private final int[] skipStack;
  private final ReadyQueue ready = new ReadyQueue();
  private int running;
  private int ended;
  private boolean stopped;
  private boolean cancelled;
  // the first exception of a listener, limiter or stop check: it leaves walk once nothing runs
  private Throwable broken;

  // with a preparer (guarded by this): the ready vertices that have not started, lowest index
  // first (the order they start in); which were handed to it
  private final TreeSet<Integer> waiting = new TreeSet<>();
  private final boolean[] handed;
  // handed and not yet taken by a preparing task; the tasks running or queued (at most as many
  // as there are processors, so that they never hold up the vertices' tasks for a thread)
  private final Queue<V> toPrepare = new ConcurrentLinkedQueue<>();
  private final int preparingTasks = Math.max(1, Runtime.getRuntime().availableProcessors());
  private int preparing;
  private boolean preparationsDropped;

  // the walking thread's own (read by the others: an interrupt of it is a stop request)
  private final Thread walking = Thread.currentThread();
  private ThreadPoolExecutor pool;
  private boolean interrupted;

  Walk(
      Dag<V> dag,
      int parallelism,
      Function<? super V, Semaphore> limiter,
      VertexRunner<V> runner,
      WalkListener<V> listener,
      BooleanSupplier stopRequested,
      Preparer<V> preparer) {
    this.dag = dag;
    this.parallelism = parallelism;
    this.limiter = limiter;
    this.runner = runner;
    this.listener = listener;
    this.stopRequested = stopRequested;
    this.preparer = preparer;
    this.handed = new boolean[preparer == null ? 0 : dag.size()];
    this.outcomes = new ArrayList<>(Collections.nCopies(dag.size(), null));
    this.limits = new Semaphore[dag.size()];
    this.waitingOn = new int[dag.size()];
    this.skipStack = new int[dag.size()];
  }

  WalkResult<V> run() {
    if (dag.size() > 0) {
      int threads = threads();
      pool =
          new ThreadPoolExecutor(
              threads,
              threads,
              0,
              TimeUnit.MILLISECONDS,
              new LinkedBlockingQueue<>(),
              threadFactory());
      // made now, not while the first vertices run and compete with the making of the rest
      pool.prestartAllCoreThreads();
      try {
        schedule();
      } finally {
        awaitRunning();
        awaitPreparations();
        pool.shutdown();
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
      if (broken instanceof RuntimeException e) {
        throw e;
      }
      if (broken instanceof Error e) {
        throw e;
      }
    }
    Map<V, Outcome<V>> result = new LinkedHashMap<>();
    for (int i = 0; i < dag.size(); i++) {
      result.put(dag.vertex(i), outcomes.get(i));
    }
    return new WalkResult<>(result, cancelled);
  }

  private synchronized void schedule() {
    for (int i = 0; i < dag.size(); i++) {
      waitingOn[i] = dag.predecessorsOf(i).length;
      if (waitingOn[i] == 0) {
        makeReady(i);
      }
    }
    while (true) {
      checkStopRequested();
      startAllThatCan();
      if (running == 0) {
        if (stopped || ready.isEmpty()) {
          break;
        }
        startAfterWaiting();
      } else {
        waitForEnds();
      }
    }
    if (broken == null) {
      cancelUnstarted(); // else walk throws: the listener that broke is not called again
    }
  }

  /** Starts on the pool every vertex that can start now. Under the lock. */
  private void startAllThatCan() {
    while (!stopped && running < parallelism) {
      int next = ready.pollStartable();
      if (next < 0) {
        break;
      }
      if (begin(next)) {
        pool.execute(task(next));
      }
    }
    handAhead();
  }

  /**
   * For when nothing of this walk runs yet every group is saturated: the permits are held outside
   * this walk, so no end of ours would ever free one. Under the lock, which no one else needs then.
   */
  private void startAfterWaiting() {
    try {
      int next = ready.pollBlocking();
      if (begin(next)) {
        pool.execute(task(next));
      }
    } catch (InterruptedException e) {
      interrupted = true;
      stopped = true;
    }
  }

  /** Waits, under the lock, until nothing runs any more or the walking thread is interrupted. */
  private void waitForEnds() {
    try {
      while (running > 0) {
        wait();
      }
    } catch (InterruptedException e) {
      interrupted = true;
      stopped = true;
    }
  }

  /**
   * Counts {@code vertex} as running and tells the listener; {@return false when the listener
   * threw} (the vertex is then not run, and its permit is given back). Its permit is taken. Under
   * the lock.
   */
  private boolean begin(int vertex) {
    running++;
    if (preparer != null) {
      waiting.remove(vertex);
    }
    try {
      listener.started(dag.vertex(vertex));
      return true;
    } catch (RuntimeException | Error e) {
      running--;
      release(limits[vertex]);
      breakWith(e);
      return false;
    }
  }

  /**
   * Runs {@code first}, then, on this thread, whatever can start when each of its vertices ends.
   */
  private Runnable task(int first) {
    return () -> {
      int vertex = first;
      while (vertex >= 0) {
        Outcome<V> outcome;
        try {
          outcome =
              Objects.requireNonNull(runner.run(dag.vertex(vertex)), "runner returned no outcome");
        } catch (Throwable t) {
          outcome = Outcome.failed(t);
        } finally {
          release(limits[vertex]);
        }
        vertex = ended(vertex, outcome);
      }
    };
  }

  /**
   * Records how {@code vertex} ended and starts what can start; {@return the vertex this thread
   * runs next, or -1}
   */
  private synchronized int ended(int vertex, Outcome<V> outcome) {
    running--;
    ended++;
    try {
      complete(vertex, outcome);
      checkStopRequested();
    } catch (RuntimeException | Error e) {
      breakWith(e);
    }
    int next = -1;
    if (!stopped && running < parallelism) {
      next = ready.pollStartable();
      if (next >= 0 && !begin(next)) {
        next = -1;
      }
    }
    startAllThatCan();
    if (running == 0) {
      notifyAll(); // the walking thread: the walk may be over, or wait for a permit
    }
    return next;
  }

  /** Under the lock, from any thread of the walk. */
  private void checkStopRequested() {
    try {
      stopped = stopped || walking.isInterrupted() || stopRequested.getAsBoolean();
    } catch (RuntimeException | Error e) {
      breakWith(e);
    }
  }

  /** A listener, limiter or stop check threw: nothing more starts, and walk throws it. */
  private void breakWith(Throwable e) {
    if (broken == null) {
      broken = e;
    }
    stopped = true;
  }

  private void makeReady(int vertex) {
    limits[vertex] = limiter.apply(dag.vertex(vertex));
    ready.add(vertex, limits[vertex]);
    if (preparer != null) {
      waiting.add(vertex);
    }
  }

  /**
   * Hands vertices waiting for a slot to the preparer: those that will start after the next {@code
   * parallelism} and before the {@code parallelism} after them. The next ones are left to their
   * runs, which would only wait for a preparation begun moments before they start; the handed ones
   * have a whole turn of every slot to be prepared in. Nothing is handed before a turn of every
   * slot has ended: while the first vertices start, the processors are what they wait for, and work
   * done ahead only delays the work due now. Under the lock.
   */
  private void handAhead() {
    if (preparer == null || stopped || ended < parallelism) {
      return;
    }
    int rank = 0;
    for (int vertex : waiting) {
      if (rank >= 2L * parallelism) {
        break;
      }
      if (rank >= parallelism && !handed[vertex]) {
        handed[vertex] = true;
        toPrepare.add(dag.vertex(vertex));
      }
      rank++;
    }
    if (!toPrepare.isEmpty() && preparing < preparingTasks && !preparationsDropped) {
      preparing++;
      pool.execute(this::prepareAhead);
    }
  }

  /**
   * A task of the pool: prepares what was handed, in order and in batches (what a preparer does
   * once for many, such as a disk sync, is shared by a batch), until nothing is left.
   */
  private void prepareAhead() {
    while (true) {
      List<V> batch = new ArrayList<>();
      synchronized (this) {
        while (!preparationsDropped && batch.size() < parallelism) {
          V vertex = toPrepare.poll();
          if (vertex == null) {
            break;
          }
          batch.add(vertex);
        }
        if (batch.isEmpty()) {
          if (--preparing == 0) {
            notifyAll(); // awaitPreparations
          }
          return;
        }
      }
      try {
        preparer.prepare(batch);
      } catch (RuntimeException e) {
        // documented as dropped: the runner does what was not prepared
      }
    }
  }

  /** Nothing is prepared once this returns; what was handed and not taken is dropped. */
  private synchronized void awaitPreparations() {
    preparationsDropped = true;
    while (preparing > 0) {
      try {
        wait();
      } catch (InterruptedException e) {
        // the caller's state must not change under a preparation still running
        interrupted = true;
      }
    }
  }

  private void complete(int vertex, Outcome<V> outcome) {
    outcomes.set(vertex, outcome);
    listener.finished(dag.vertex(vertex), outcome);
    if (outcome.isSuccess()) {
      for (int dependent : dag.successorsOf(vertex)) {
        if (--waitingOn[dependent] == 0) {
          makeReady(dependent);
        }
      }
    } else {
      skipDependents(vertex);
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

  /** After the walking thread threw or was interrupted: the running vertices still finish. */
  private synchronized void awaitRunning() {
    while (running > 0) {
      try {
        wait();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
  }

  private int threads() {
    int vertices = Math.min(parallelism, dag.size());
    return preparer == null ? vertices : vertices + preparingTasks;
  }

  private ThreadFactory threadFactory() {
    int pool = number;
    AtomicInteger threads = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, "walker-" + pool + "-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
