package io.vmtree.server;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How to run the service ({@code vmtree serve} options).
 *
 * @param tree the tree served (a directory, such as a git checkout)
 * @param state the state directory; the service holds its lock while it runs
 * @param listen where to listen; port 0 picks a free one
 * @param tokens the tokens file, or null: no tokens (allowed on a loopback address only)
 * @param tlsCert the PEM certificate chain, or null for plain HTTP
 * @param tlsKey the PEM private key, with {@code tlsCert}
 * @param parallelism operations at once within an apply
 * @param maxBody the largest request body accepted, in bytes
 * @param rate requests a second per token (0: no limit)
 * @param burst requests a token may make at once
 * @param grace how long a stop waits for running operations
 * @param httpThreads the threads answering requests
 * @param watch whether to read the tree again when its files change
 * @param driftInterval how often to check for drift by itself, or null: only when {@code GET
 *     /v1/drift} asks
 * @param httpNice how much lower the CPU priority of the threads answering requests is than the
 *     service's other threads (a Linux nice increment; 0: the same)
 */
public record ServeOptions(
    Path tree,
    Path state,
    InetSocketAddress listen,
    Path tokens,
    Path tlsCert,
    Path tlsKey,
    int parallelism,
    long maxBody,
    double rate,
    double burst,
    Duration grace,
    int httpThreads,
    boolean watch,
    Duration driftInterval,
    int httpNice) {
  /** The default of {@code --http-nice}: see docs/serve.md, "CPU priority". */
  public static final int DEFAULT_HTTP_NICE = 1;

  /** Options without continuous drift, with the default {@code --http-nice}. */
  public ServeOptions(
      Path tree,
      Path state,
      InetSocketAddress listen,
      Path tokens,
      Path tlsCert,
      Path tlsKey,
      int parallelism,
      long maxBody,
      double rate,
      double burst,
      Duration grace,
      int httpThreads,
      boolean watch) {
    this(
        tree,
        state,
        listen,
        tokens,
        tlsCert,
        tlsKey,
        parallelism,
        maxBody,
        rate,
        burst,
        grace,
        httpThreads,
        watch,
        null,
        DEFAULT_HTTP_NICE);
  }

  /** {@return these options with drift checked every {@code interval} (null: only on request)} */
  public ServeOptions withDriftInterval(Duration interval) {
    return new ServeOptions(
        tree,
        state,
        listen,
        tokens,
        tlsCert,
        tlsKey,
        parallelism,
        maxBody,
        rate,
        burst,
        grace,
        httpThreads,
        watch,
        interval,
        httpNice);
  }
}
