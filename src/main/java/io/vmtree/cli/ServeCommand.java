package io.vmtree.cli;

import io.vmtree.server.ServeOptions;
import io.vmtree.server.Service;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code vmtree serve}: the engine as a long-running service with an HTTP API (docs/serve.md). */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the engine as a service with an HTTP API (see docs/serve.md).",
      "Holds the state lock while it runs; stops gracefully on SIGTERM or Ctrl-C."
    },
    subcommands = {ServeCommand.HashToken.class})
final class ServeCommand implements Callable<Integer> {
  @ParentCommand VmtreeCommand root;
  @Mixin StateOption state;

  @Option(
      names = "--tree",
      paramLabel = "DIR",
      description = "The tree to serve (a directory, e.g. a git checkout); read again on change.")
  Path tree;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:8080",
      description = "Where to listen (default 127.0.0.1:8080; port 0 picks a free one).")
  String listen;

  @Option(
      names = "--tokens",
      paramLabel = "FILE",
      description = "Bearer tokens: one 'name role /subtree/**,... sha256:HEX' a line.")
  Path tokens;

  @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate chain.")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM (PKCS#8) private key.")
  Path tlsKey;

  @Option(
      names = "--parallelism",
      paramLabel = "N",
      defaultValue = "10",
      description = "Operations at once within an apply (default 10).")
  int parallelism;

  @Option(
      names = "--max-body",
      paramLabel = "BYTES",
      defaultValue = "1048576",
      description = "Largest request body accepted (default 1 MiB).")
  long maxBody;

  @Option(
      names = "--rate-limit",
      paramLabel = "N",
      defaultValue = "100",
      description = "Requests a second per token, on average (default 100; 0: no limit).")
  double rate;

  @Option(
      names = "--burst",
      paramLabel = "N",
      defaultValue = "200",
      description = "Requests a token may make at once (default 200).")
  double burst;

  @Option(
      names = "--grace",
      paramLabel = "SECONDS",
      defaultValue = "60",
      description = "On stop, how long running operations may take to finish (default 60).")
  long grace;

  /**
   * The answers are in-memory work (a long poll holds no thread, and requests are read by the
   * server's I/O threads), so threads beyond the cores only take CPU from a running apply: Linux
   * shares the processors by the weight of each runnable thread, so more reading threads are a
   * larger share. With 16 on 2 cores, 50 readers made an apply 1.6-2x slower than with 4 (the JDK's
   * server); under Undertow, as many as the cores at nice 1 kept the read p99 under 50 ms where
   * twice the cores at nice 3 did not (docs/serve.md, "CPU priority").
   */
  @Option(
      names = "--http-threads",
      paramLabel = "N",
      description = "Threads answering requests (default: the cores, at least 2).")
  Integer httpThreads;

  @Option(
      names = "--http-nice",
      paramLabel = "N",
      description =
          "Run the threads reading and answering requests N nice levels below the operations' threads, so"
              + " that reads take CPU from a running apply only when it leaves some (0-19;"
              + " default: ${DEFAULT-VALUE}; 0: the same priority).")
  int httpNice = ServeOptions.DEFAULT_HTTP_NICE;

  @Option(
      names = "--drift-interval",
      paramLabel = "DURATION",
      description =
          "Check for drift every DURATION (30s, 5m, 1h; default: off), for GET /v1/drift and"
              + " /metrics.")
  String driftInterval;

  @Option(names = "--no-watch", description = "Do not watch the tree; POST /v1/reload reads it.")
  boolean noWatch;

  @Override
  public Integer call() {
    Terminal terminal = root.terminal();
    if (tree == null) {
      throw new CliException(ExitCodes.ERROR, "serve needs --tree DIR: the tree to serve");
    }
    if (!Files.isDirectory(tree)) {
      throw new CliException(ExitCodes.ERROR, "--tree " + tree + " is not a directory");
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new CliException(ExitCodes.ERROR, "--tls-cert and --tls-key go together");
    }
    int threads =
        httpThreads != null ? httpThreads : Math.max(2, Runtime.getRuntime().availableProcessors());
    if (httpNice < 0 || httpNice > 19) {
      throw new CliException(ExitCodes.ERROR, "--http-nice must be from 0 to 19, not " + httpNice);
    }
    if (parallelism < 1 || threads < 1 || maxBody < 1 || rate < 0 || burst < 1 || grace < 0) {
      throw new CliException(
          ExitCodes.ERROR,
          "--parallelism, --http-threads, --max-body and --burst must be at least 1;"
              + " --rate-limit and --grace at least 0");
    }
    ServeOptions options =
        new ServeOptions(
            tree,
            state.path(),
            address(listen),
            tokens,
            tlsCert,
            tlsKey,
            parallelism,
            maxBody,
            rate,
            burst,
            Duration.ofSeconds(grace),
            threads,
            !noWatch,
            driftInterval == null ? null : interval(driftInterval),
            httpNice);
    Service service;
    try {
      service = Service.start(options, root.engine(), terminal.err());
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new CliException(ExitCodes.ERROR, e.getMessage());
    } catch (RuntimeException e) {
      if (e.getClass().getName().startsWith("io.vmtree.server.")) {
        throw new CliException(ExitCodes.ERROR, e.getMessage());
      }
      throw e;
    }
    Thread hook = new Thread(service::stop, "vmtree-serve-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    service.awaitStopped();
    return ExitCodes.OK;
  }

  /** {@return the duration {@code 30s}, {@code 5m} or {@code 1h}} */
  static Duration interval(String text) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("([0-9]{1,6})([smh])").matcher(text.strip());
    long n = m.matches() ? Long.parseLong(m.group(1)) : 0;
    if (n < 1) {
      throw new CliException(
          ExitCodes.ERROR,
          "--drift-interval must be a duration of at least 1s, like 30s, 5m or 1h, not \""
              + text
              + "\"");
    }
    return switch (m.group(2)) {
      case "h" -> Duration.ofHours(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofSeconds(n);
    };
  }

  private static InetSocketAddress address(String text) {
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new CliException(ExitCodes.ERROR, "--listen must be HOST:PORT, e.g. 127.0.0.1:8080");
    }
    String host = text.substring(0, colon).replace("[", "").replace("]", "");
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535) {
      throw new CliException(ExitCodes.ERROR, "--listen " + text + ": the port must be 0-65535");
    }
    try {
      return new InetSocketAddress(InetAddress.getByName(host.isEmpty() ? "0.0.0.0" : host), port);
    } catch (UnknownHostException e) {
      throw new CliException(ExitCodes.ERROR, "--listen " + text + ": unknown host " + host);
    }
  }

  /** {@code vmtree serve hash-token}: the line a tokens file keeps for a token read on stdin. */
  @Command(
      name = "hash-token",
      mixinStandardHelpOptions = true,
      description = {
        "Reads a token on standard input and prints its sha256:HEX for the tokens file.",
        "Make a token with e.g.: openssl rand -hex 32"
      })
  static final class HashToken implements Callable<Integer> {
    @ParentCommand ServeCommand serve;

    @Override
    public Integer call() throws IOException {
      Terminal terminal = serve.root.terminal();
      BufferedReader in =
          terminal.in() != null
              ? terminal.in()
              : new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String token = in.readLine();
      if (token == null || token.strip().isEmpty()) {
        throw new CliException(ExitCodes.ERROR, "no token on standard input");
      }
      terminal.out().println("sha256:" + Service.hashToken(token.strip()));
      terminal.out().flush();
      return ExitCodes.OK;
    }
  }
}
