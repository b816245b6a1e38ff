package io.vmtree.server;

import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JDK HTTP server's executor: {@code --http-threads} threads taking requests in the order they
 * come, and more only while those are stuck.
 *
 * <p>The JDK's server reads a request (line, headers, and here its body) on the executor's thread
 * that then answers it, so a client that sends its request slowly, or not at all, holds a thread
 * meanwhile, and a few such clients would starve every other caller, the health check included.
 * More threads for everyone cost the apply its CPU: with 50 busy connections, 50 threads answering
 * at once put the reads' p99 past 150 ms and the apply 1.7x the CLI's; bounding them with a
 * semaphore or handing each request to a second pool cost every answer a hand-over between threads
 * (p99 45-65 ms against 25-39). So the pool stays at its size while requests keep starting, and
 * grows by that size each time none has started for {@link #STALL_MILLIS} with requests waiting (up
 * to {@code max} threads); once nothing waits it goes back to its size, the extra threads ending as
 * they fall idle. The JDK server's own time limit closes connections whose request is not whole in
 * time, which frees their threads.
 */
final class ConnectionPool implements Executor {
  /** How long the threads may all be busy with no request starting before more are added. */
  static final long STALL_MILLIS = 200;

  private final ThreadPoolExecutor pool;
  private final ScheduledExecutorService watch;
  private final int size;
  private final int max;
  private volatile long lastStart = System.nanoTime();

  /**
   * A pool of {@code size} threads named {@code name}-N, growing up to {@code max}; each thread
   * runs {@code atStart} first.
   */
  ConnectionPool(int size, int max, String name, Runnable atStart) {
    this.size = size;
    this.max = Math.max(size, max);
    AtomicInteger n = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            size,
            this.max,
            10,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t =
                  new Thread(
                      () -> {
                        atStart.run();
                        r.run();
                      },
                      name + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.watch =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, name + "-watch");
              t.setDaemon(true);
              return t;
            });
    watch.scheduleWithFixedDelay(
        this::check, STALL_MILLIS, STALL_MILLIS / 2, TimeUnit.MILLISECONDS);
  }

  @Override
  public void execute(Runnable request) {
    pool.execute(
        () -> {
          lastStart = System.nanoTime();
          request.run();
        });
  }

  /** {@return the threads it has now} (for tests) */
  int threads() {
    return pool.getPoolSize();
  }

  private void check() {
    boolean waiting = !pool.getQueue().isEmpty();
    int core = pool.getCorePoolSize();
    if (waiting
        && System.nanoTime() - lastStart > TimeUnit.MILLISECONDS.toNanos(STALL_MILLIS)
        && core < max) {
      // starts new threads at once for the requests waiting
      pool.setCorePoolSize(Math.min(max, core + size));
    } else if (!waiting && core > size) {
      pool.setCorePoolSize(size);
    }
  }

  /** Stops taking requests; the ones taken get up to {@code seconds} to finish. */
  void stop(int seconds) throws InterruptedException {
    watch.shutdownNow();
    pool.shutdown();
    pool.awaitTermination(seconds, TimeUnit.SECONDS);
  }
}
