package io.vmtree.server;

import io.vmtree.engine.Engine;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.SSLContext;

/**
 * {@code vmtree serve}: the engine as a long-running service. Holds the state (and its lock), the
 * tree read in memory, the operation queue, and the HTTP front; starts them in that order and stops
 * them in the reverse one.
 */
public final class Service {
  private final ServeOptions options;
  private final PrintWriter log;
  private final HeldState state;
  private final TreeView tree;
  private final OperationQueue queue;
  private final PlanStore plans;
  private final Metrics metrics = new Metrics();
  private final RecentOperations recent = new RecentOperations(100_000);
  private final HttpFront front;
  private final DriftWatch drift;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean stopping;

  private Service(ServeOptions options, Engine engine, PrintWriter log) throws IOException {
    this.options = options;
    this.log = log;
    Access access = new Access(options.tokens() == null ? null : TokenFile.read(options.tokens()));
    if (!access.required() && !options.listen().getAddress().isLoopbackAddress()) {
      throw new IllegalArgumentException(
          "serve on "
              + options.listen().getAddress().getHostAddress()
              + " needs --tokens FILE: without tokens anyone could act on the state, so the"
              + " service then only listens on a loopback address (127.0.0.1)");
    }
    SSLContext tls =
        options.tlsCert() == null ? null : Tls.context(options.tlsCert(), options.tlsKey());
    this.state = HeldState.open(options.state(), "serve --tree " + options.tree(), log);
    try {
      this.tree = new TreeView(engine, options.tree(), log);
      tree.reload();
      this.plans = new PlanStore(options.state().resolve("serve").resolve("plans"));
      this.queue =
          new OperationQueue(
              state,
              new QueueFiles(options.state().resolve("serve").resolve("queue")),
              Clock.systemUTC(),
              log);
      queue.start(
          new JobRunner(engine, state, tree, plans, metrics, recent, options.parallelism()),
          (t, last) ->
              metrics.operationEnded(
                  last.type(),
                  last.status().label(),
                  Duration.between(
                              t.submitted(),
                              last.finished() == null ? t.submitted() : last.finished())
                          .toNanos()
                      / 1e9));
      this.drift =
          new DriftWatch(engine, tree, state, queue, metrics, options.driftInterval(), log);
      metrics.gauge("vmtree_operations_queued", () -> queue.waitingCount());
      metrics.gauge("vmtree_operations_running", () -> queue.runningCount());
      metrics.gauge(
          "vmtree_tree_descriptors",
          () -> tree.current().validation().tree().map(t -> t.descriptors().size()).orElse(0));
      metrics.gauge("vmtree_state_descriptors", () -> state.size());
      metrics.counter("vmtree_tree_reloads_total", () -> tree.current().generation());
      this.front =
          new HttpFront(
              options.listen(),
              tls,
              options.httpThreads(),
              options.httpNice(),
              new Api(this),
              access,
              new RateLimiter(options.rate(), options.burst()),
              metrics,
              options.maxBody(),
              log);
    } catch (IOException | RuntimeException e) {
      state.close();
      throw e;
    }
  }

  /**
   * {@return a started service}: the state locked, the tree read, what a previous run left in the
   * queue resumed, listening
   *
   * @throws io.vmtree.state.LockedException when another process holds the state lock
   * @throws IllegalArgumentException for options that cannot work together
   */
  public static Service start(ServeOptions options, Engine engine, PrintWriter log) {
    try {
      Service service = new Service(options, engine, log);
      service.queue.resume();
      settleHeap();
      service.front.start();
      if (options.watch()) {
        service.tree.watch();
      }
      service.drift.start();
      log.println(
          "vmtree serve listening on "
              + service.url()
              + " (tree "
              + options.tree()
              + ", state "
              + options.state()
              + (options.tokens() == null ? ", no tokens: loopback only" : "")
              + (options.driftInterval() == null
                  ? ""
                  : ", drift every "
                      + options
                          .driftInterval()
                          .toString()
                          .substring(2)
                          .toLowerCase(java.util.Locale.ROOT))
              + ")");
      log.flush();
      return service;
    } catch (java.net.BindException e) {
      throw new CannotStart(
          "cannot listen on "
              + (options.listen().getAddress() == null
                  ? options.listen().getHostString()
                  : options.listen().getAddress().getHostAddress())
              + ":"
              + options.listen().getPort()
              + ": "
              + e.getMessage()
                  .replaceFirst("^Address already in use.*", "the address is already in use")
              + " (is another vmtree serve running?)");
    } catch (IOException e) {
      throw new CannotStart("cannot start the service: " + e.getMessage());
    }
  }

  /**
   * One full collection before the service starts answering. The tree and the state read at start
   * live as long as the service; until a collection moves them to the old generation, every young
   * collection copies them again (the default tenuring threshold is 7), which made each young pause
   * 20-35 ms with 2,000 descriptors while 50 clients read (bench/serve.sh, -Xlog:gc): a pause that
   * every read in flight waits out. Once they are old, young pauses took 5-9 ms. The JVM's
   * ergonomics cannot know that what was read first is what stays.
   */
  private static void settleHeap() {
    System.gc();
  }

  /** The service cannot start; the message says why (no stack trace needed). */
  public static final class CannotStart extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CannotStart(String message) {
      super(message);
    }
  }

  /** {@return the base URL it answers on} */
  public String url() {
    InetSocketAddress address = front.address();
    String host = address.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return (options.tlsCert() == null ? "http" : "https") + "://" + host + ":" + address.getPort();
  }

  /**
   * Stops gracefully: takes no new operations, gives running ones the grace time to finish (what is
   * left stays on disk and is resumed at the next start), stops listening, and releases the state
   * lock when nothing runs any more.
   */
  public void stop() {
    synchronized (this) {
      if (stopping) {
        awaitStopped();
        return;
      }
      stopping = true;
    }
    log.println("stopping: no new operations; waiting up to " + options.grace().toSeconds() + " s");
    log.flush();
    drift.close();
    boolean idle = queue.close(options.grace());
    front.stop(1);
    tree.close();
    if (idle) {
      state.close();
    } else {
      log.println("the state lock is left held: the next vmtree serve takes it over and resumes");
    }
    log.println("stopped");
    log.flush();
    stopped.countDown();
  }

  /** Waits until {@link #stop()} has finished. */
  public void awaitStopped() {
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  boolean stopping() {
    return stopping;
  }

  HeldState state() {
    return state;
  }

  TreeView tree() {
    return tree;
  }

  OperationQueue queue() {
    return queue;
  }

  PlanStore plans() {
    return plans;
  }

  Metrics metrics() {
    return metrics;
  }

  DriftWatch drift() {
    return drift;
  }

  RecentOperations recent() {
    return recent;
  }

  /** {@return the hex SHA-256 of {@code token}, the form the tokens file keeps} */
  public static String hashToken(String token) {
    return TokenFile.hash(token);
  }
}
