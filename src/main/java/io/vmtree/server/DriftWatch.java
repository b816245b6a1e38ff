package io.vmtree.server;

import io.vmtree.engine.DriftReport;
import io.vmtree.engine.Engine;
import io.vmtree.engine.EngineException;
import io.vmtree.plan.Drift;
import io.vmtree.plan.DriftKind;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The service's latest drift report ({@code GET /v1/drift}, the drift series of {@code /metrics}):
 * made every {@code --drift-interval} when one is given, and on request when there is none yet or a
 * client asks for a fresh one. One run at a time, on a thread of its own; a request that comes
 * while a run is under way gets that run's report.
 *
 * <p>A run is {@code vmtree drift} on what the service holds: the tree it keeps in memory (the last
 * reading that validated) and the held state, one bulk list per hypervisor. It never writes the
 * state, and it never runs beside an operation that writes it ({@link
 * OperationQueue#withoutWriters}): halfway through an apply a VM may already be changed while the
 * state does not say so yet, which would be reported as drift that is not.
 */
final class DriftWatch implements AutoCloseable {
  /**
   * A report and when it was made.
   *
   * @param run its number since the service started, 1 first
   */
  record Latest(DriftReport report, Instant checkedAt, long run) {}

  private final Engine engine;
  private final TreeView tree;
  private final HeldState state;
  private final OperationQueue queue;
  private final Metrics metrics;
  private final PrintWriter log;
  private final Duration interval;
  private final ScheduledExecutorService thread;
  private final AtomicLong runs = new AtomicLong();
  private volatile Latest latest;
  // guarded by this
  private CompletableFuture<Latest> running;

  /**
   * @param interval how often to run by itself, or null: only on request
   */
  DriftWatch(
      Engine engine,
      TreeView tree,
      HeldState state,
      OperationQueue queue,
      Metrics metrics,
      Duration interval,
      PrintWriter log) {
    this.engine = engine;
    this.tree = tree;
    this.state = state;
    this.queue = queue;
    this.metrics = metrics;
    this.interval = interval;
    this.log = log;
    ScheduledThreadPoolExecutor runs =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "vmtree-drift");
              t.setDaemon(true);
              return t;
            });
    // started now rather than by the first GET /v1/drift (see Nice, OperationQueue)
    runs.prestartCoreThread();
    this.thread = runs;
  }

  /** Starts the scheduled runs, the first one now; nothing when there is no interval. */
  void start() {
    if (interval != null) {
      thread.scheduleWithFixedDelay(this::scheduled, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** {@return the interval of the scheduled runs, if any} */
  Optional<Duration> interval() {
    return Optional.ofNullable(interval);
  }

  /** {@return the latest report, if a run has succeeded yet} */
  Optional<Latest> latest() {
    return Optional.ofNullable(latest);
  }

  /**
   * {@return the report of a run that starts now, or of the one already under way}; fails with an
   * {@link ApiError} when the run fails
   */
  synchronized CompletableFuture<Latest> refresh() {
    if (running == null) {
      CompletableFuture<Latest> run = new CompletableFuture<>();
      try {
        thread.execute(() -> run(run));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        throw new ApiError(503, "stopping", "the service is stopping; retry later");
      }
      running = run;
    }
    return running;
  }

  private void scheduled() {
    CompletableFuture<Latest> run;
    synchronized (this) {
      if (running != null) {
        return;
      }
      run = new CompletableFuture<>();
      running = run;
    }
    run(run);
  }

  private void run(CompletableFuture<Latest> run) {
    try {
      TreeView.Loaded loaded = tree.current();
      DriftReport report = queue.withoutWriters(() -> engine.drift(loaded.validation(), state));
      Instant at = Instant.now();
      Map<String, Long> byKind = countByKind(report);
      metrics.driftRan(byKind, report.calls(), at, report.took());
      Latest made = new Latest(report, at, runs.incrementAndGet());
      latest = made;
      log.println(
          "drift run "
              + made.run()
              + ": "
              + (report.drift().isEmpty() ? "no drift" : describe(byKind))
              + ", "
              + report.descriptors().size()
              + " descriptor(s), "
              + report.totalCalls()
              + " hypervisor call(s), "
              + report.took().toMillis()
              + " ms");
      log.flush();
      run.complete(made);
    } catch (EngineException e) {
      failed(run, e.getMessage() + " (the tree served has never validated: GET /v1/tree)");
    } catch (RuntimeException e) {
      failed(run, e.toString());
    } finally {
      synchronized (this) {
        if (running == run) {
          running = null;
        }
      }
    }
  }

  private void failed(CompletableFuture<Latest> run, String message) {
    metrics.driftFailed();
    log.println("drift run failed: " + message);
    log.flush();
    run.completeExceptionally(new ApiError(503, "drift_failed", "drift failed: " + message));
  }

  /** {@return the drift of {@code report} by kind label, every kind, 0 when none} */
  static Map<String, Long> countByKind(DriftReport report) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (DriftKind kind : DriftKind.values()) {
      counts.put(kind.label(), 0L);
    }
    for (Drift d : report.drift()) {
      counts.merge(d.kind().label(), 1L, Long::sum);
    }
    return counts;
  }

  private static String describe(Map<String, Long> byKind) {
    StringBuilder out = new StringBuilder();
    byKind.forEach(
        (kind, n) -> {
          if (n > 0) {
            out.append(out.length() == 0 ? "" : ", ").append(n).append(' ').append(kind);
          }
        });
    return out.toString();
  }

  /** Stops the scheduled runs; a run under way is abandoned (it writes nothing). */
  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
