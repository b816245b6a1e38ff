package io.vmtree.server;

import io.vmtree.ops.Operation;
import io.vmtree.ops.OperationStatus;
import io.vmtree.state.StateBackend;
import io.vmtree.tree.TreePath;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The operation queue of SPEC §6: every request that acts becomes an operation with an id at once
 * ({@code pending}), waits its turn, runs, and ends {@code succeeded} or {@code failed} in the
 * journal.
 *
 * <p>Turns: operations that write the state run one at a time (the engine plans and applies against
 * the whole state: its serial, its recovery of interrupted steps); a plan runs beside them, but not
 * beside a writer whose marks overlap its scope, so that it plans against the finished state. An
 * operation never overtakes an earlier one it conflicts with, so requests on the same descriptors
 * run in the order they came. Within an apply the engine runs steps in parallel, each hypervisor
 * within its {@code max_parallel}.
 */
final class OperationQueue {
  /** Carries out a job; the queue records the outcome. */
  interface Runner {
    /** {@return how it ended} */
    Ended run(Tracked operation);
  }

  /**
   * How an operation ended.
   *
   * @param journaled the final record the engine already wrote to the journal under the request's
   *     id (start, stop and restart), or null: the queue writes it
   */
  record Ended(
      OperationStatus status, Map<String, Object> result, String error, Operation journaled) {
    Ended {
      result = Map.copyOf(result);
    }

    static Ended succeeded(Map<String, Object> result) {
      return new Ended(OperationStatus.SUCCEEDED, result, null, null);
    }

    static Ended failed(String error, Map<String, Object> result) {
      return new Ended(OperationStatus.FAILED, result, error, null);
    }

    static Ended journaled(Operation last) {
      return new Ended(last.status(), last.result(), last.error(), last);
    }
  }

  /** Hears when an operation of the queue ended. */
  interface Listener {
    void ended(Tracked operation, Operation last);
  }

  private static final int KEEP_FINISHED = 10_000;

  private final StateBackend state;
  private final QueueFiles files;
  private final Clock clock;
  private final PrintWriter log;
  private final ExecutorService pool;
  private Runner runner;
  private Listener listener = (t, op) -> {};

  // guarded by this
  private final List<Tracked> waiting = new ArrayList<>();
  private final List<Tracked> running = new ArrayList<>();
  // the request operations this service knows, oldest first; trimmed to KEEP_FINISHED when the
  // oldest ones are done
  private final java.util.ArrayDeque<Tracked> kept = new java.util.ArrayDeque<>();
  // not guarded: the same operations by id, for the reads (a poll of an operation takes no lock)
  private final Map<Long, Tracked> known = new java.util.concurrent.ConcurrentHashMap<>();
  // not guarded: the operations not final yet, by id, republished whole at every change, for the
  // reads (a GET of a descriptor asks which of them act on it, with no lock shared with the queue)
  private volatile List<Tracked> activeNow = List.of();
  private boolean closed;
  // readers that want no writer running (drift runs); while there are any, no writer starts
  private int quietReaders;

  OperationQueue(StateBackend state, QueueFiles files, Clock clock, PrintWriter log) {
    this.state = state;
    this.files = files;
    this.clock = clock;
    this.log = log;
    AtomicInteger n = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "vmtree-operation-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    // started now, by the service's own thread: started later by the first submit, they would
    // inherit the lower CPU priority of the request's thread (see Nice)
    ((ThreadPoolExecutor) pool).prestartAllCoreThreads();
  }

  /** Sets what runs the jobs and who hears about their end; before the first submit. */
  void start(Runner runner, Listener listener) {
    this.runner = runner;
    this.listener = listener;
  }

  /**
   * {@return the operation of {@code job}, queued}: given its id and written to disk before this
   * returns
   *
   * @throws ApiError 503 once the service is stopping
   */
  synchronized Tracked submit(Job job, String requestedBy, List<TreePath> marks) {
    if (closed) {
      throw new ApiError(
          503, "stopping", "the service is stopping and takes no new operations; retry later");
    }
    Tracked t =
        new Tracked(state.nextOperationId(), job, requestedBy, clock.instant(), marks, false);
    files.write(t, false);
    enqueue(t);
    return t;
  }

  /** Queues again what a stopped service left on disk, before anything new. */
  synchronized List<Tracked> resume() {
    List<Tracked> resumed = new ArrayList<>();
    for (QueueFiles.Entry entry : files.list()) {
      Tracked t =
          new Tracked(
              entry.id(),
              entry.job(),
              entry.requestedBy(),
              entry.submitted(),
              entry.marks(),
              entry.started());
      log.println(
          "resuming operation "
              + t.id()
              + " ("
              + t.job().type()
              + (entry.started() ? ", interrupted while running" : ", never started")
              + ")");
      resumed.add(t);
      enqueue(t);
    }
    log.flush();
    return resumed;
  }

  private void enqueue(Tracked t) {
    kept.addLast(t);
    known.put(t.id(), t);
    while (kept.size() > KEEP_FINISHED && kept.peekFirst().done().isDone()) {
      known.remove(kept.removeFirst().id());
    }
    waiting.add(t);
    dispatch();
  }

  /** {@return the request operation {@code id}, if this service knows it} (takes no lock) */
  Optional<Tracked> find(long id) {
    return Optional.ofNullable(known.get(id));
  }

  /** {@return the operations not final yet, by id} (takes no lock) */
  List<Tracked> active() {
    return activeNow;
  }

  /** {@return the writing operations waiting for or running on {@code path}} (takes no lock) */
  List<Tracked> on(TreePath path) {
    List<Tracked> found = List.of();
    for (Tracked t : activeNow) {
      if (t.job().writes() && t.covers(path)) {
        if (found.isEmpty()) {
          found = new ArrayList<>();
        }
        found.add(t);
      }
    }
    return found;
  }

  /** Publishes the operations not final yet for {@link #active()}; after every change of them. */
  private void publish() {
    List<Tracked> all = new ArrayList<>(running);
    all.addAll(waiting);
    all.sort(java.util.Comparator.comparingLong(Tracked::id));
    activeNow = List.copyOf(all);
  }

  synchronized int waitingCount() {
    return waiting.size();
  }

  synchronized int runningCount() {
    return running.size();
  }

  private void dispatch() {
    try {
      start();
    } finally {
      publish();
    }
  }

  private void start() {
    if (closed || runner == null) {
      return;
    }
    List<Tracked> before = new ArrayList<>();
    for (Tracked t : new ArrayList<>(waiting)) {
      boolean free =
          !(quietReaders > 0 && t.job().writes())
              && running.stream().noneMatch(t::conflictsWith)
              && before.stream().noneMatch(t::conflictsWith);
      if (free) {
        waiting.remove(t);
        running.add(t);
        pool.execute(() -> execute(t));
      } else {
        before.add(t);
      }
    }
  }

  /**
   * {@return what {@code read} returns, run while no operation that writes the state runs}: waits
   * for the running writer to finish, and keeps writers that come meanwhile waiting until {@code
   * read} is done (it goes before them, so that a stream of applies cannot starve it). Plans run
   * beside it. For reads that compare the state with the hypervisors and must not see an apply
   * halfway, when a VM has changed but the state does not say so yet.
   */
  <T> T withoutWriters(java.util.function.Supplier<T> read) {
    synchronized (this) {
      quietReaders++;
      try {
        while (running.stream().anyMatch(t -> t.job().writes())) {
          wait();
        }
      } catch (InterruptedException e) {
        quietReaders--;
        dispatch();
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the running writer", e);
      }
    }
    try {
      return read.get();
    } finally {
      synchronized (this) {
        quietReaders--;
        dispatch();
      }
    }
  }

  /**
   * The errors that stopped a job, as the token that asked may see them: those of the files in its
   * subtrees and of the folder files above them (TreeErrors), and the engine's own (no file); the
   * others are only counted, as {@code GET /v1/tree} counts them.
   */
  private static Ended failedOnErrors(Job job, io.vmtree.engine.EngineException e) {
    List<io.vmtree.diag.Diagnostic> errors =
        e.diagnostics() == null ? List.of() : e.diagnostics().errors();
    List<TreePath> subtrees = job instanceof Job.Plan plan ? plan.allowed() : job.scope();
    TreeErrors.Cut cut =
        TreeErrors.cut(
            errors.stream().filter(d -> d.subject() != null).toList(),
            new Token("requester", Role.READ, subtrees));
    List<String> shown = new java.util.ArrayList<>();
    errors.stream()
        .filter(d -> d.subject() == null)
        .map(io.vmtree.diag.Diagnostic::format)
        .forEach(shown::add);
    shown.addAll(cut.shown());
    Map<String, Object> details = new java.util.LinkedHashMap<>();
    if (!shown.isEmpty()) {
      details.put("diagnostics", shown);
    }
    if (cut.hidden() > 0) {
      details.put("errors_outside_subtrees", cut.hidden());
    }
    return Ended.failed(e.getMessage(), details);
  }

  private void execute(Tracked t) {
    Instant start = clock.instant();
    t.started(start);
    Ended ended;
    try {
      files.write(t, true);
      ended = runner.run(t);
    } catch (ApiError | io.vmtree.state.StateException e) {
      ended = Ended.failed(e.getMessage(), Map.of());
    } catch (io.vmtree.engine.EngineException e) {
      ended = failedOnErrors(t.job(), e);
    } catch (RuntimeException e) {
      ended = Ended.failed("internal error: " + e, Map.of());
      e.printStackTrace(log);
    }
    Operation last =
        ended.journaled() != null
            ? ended.journaled()
            : ended.status() == OperationStatus.SUCCEEDED
                ? t.operation().succeeded(clock.instant(), ended.result())
                : new Operation(
                    t.id(),
                    t.job().type(),
                    t.operation().targets(),
                    t.submitted(),
                    start,
                    clock.instant(),
                    ended.status(),
                    ended.result(),
                    ended.error());
    try {
      if (ended.journaled() == null) {
        state.journal().append(last);
      }
      // the service holds the lock for its whole life: what releasing it would make durable
      // (deferred writes, the state log) is made durable after each operation instead, as
      // records before the answer, in the descriptors' files after it (below)
      state.syncRecords();
      files.delete(t.id());
    } catch (RuntimeException e) {
      log.println("operation " + t.id() + ": cannot record its end: " + e.getMessage());
    }
    synchronized (this) {
      running.remove(t);
      t.finished(last);
      notifyAll();
      dispatch();
    }
    listener.ended(t, last);
    log.println(
        "operation "
            + t.id()
            + " "
            + t.job().type()
            + " by "
            + t.requestedBy()
            + ": "
            + last.status().label()
            + (last.error() == null ? "" : ": " + last.error()));
    log.flush();
    try {
      // after the answer: writing and syncing the files of 1,000 descriptors an apply changed
      // took 0.26 s, which its client waited for; the next operation's writes wait for it
      state.sync();
      // and the journal's new lines read now rather than by the next apply's preparation (its
      // check for interrupted operations): 4,000 lines after an apply of 1,000 VMs
      state.journal().catchUp();
    } catch (RuntimeException e) {
      log.println("operation " + t.id() + ": after its end: " + e.getMessage());
      log.flush();
    }
  }

  /**
   * Stops taking work: new requests are refused, waiting ones stay on disk for the next start, and
   * running ones get up to {@code grace} to finish. {@return true when nothing was left running}
   */
  synchronized boolean close(Duration grace) {
    closed = true;
    long deadline = System.nanoTime() + grace.toNanos();
    while (!running.isEmpty()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      try {
        wait(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    boolean idle = running.isEmpty();
    log.println(
        "queue closed: "
            + waiting.size()
            + " waiting operation(s) kept for the next start"
            + (idle ? "" : ", " + running.size() + " still running (resumed at the next start)"));
    log.flush();
    pool.shutdown();
    return idle;
  }
}
