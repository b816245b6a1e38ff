package io.vmtree.server;

import io.undertow.UndertowOptions;
import io.undertow.protocols.ssl.UndertowXnioSsl;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.HttpContinueReadHandler;
import io.undertow.server.protocol.http.HttpOpenListener;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.Xnio;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;

/**
 * The HTTP(S) server: Undertow's HTTP/1.1 connector on XNIO. Every request goes through the same
 * steps: route, authenticate, rate limit, role, body size, handler, answer; every answer is logged
 * with the token's name (never the token) and counted.
 *
 * <p>Two kinds of threads: XNIO's I/O threads read and parse requests (and their bodies) without
 * ever waiting for a client, so a slow or silent client holds no thread; a request that has arrived
 * whole is handed to one of {@code --http-threads} threads that route, authorize and answer it.
 * Both run {@code --http-nice} levels below the operations (see {@link Nice}). A connection that
 * sends nothing for {@link #REQUEST_SECONDS} while a request is due (or being read) is closed.
 */
final class HttpFront {
  /** How long a connection may send nothing while its request is due or being read, in seconds. */
  static final long REQUEST_SECONDS = 20;

  private final XnioWorker worker;
  private final AcceptingChannel<? extends StreamConnection> server;
  private final ThreadPoolExecutor answering;
  private final Api api;
  private final Access access;
  private final RateLimiter limiter;
  private final Metrics metrics;
  private final long maxBody;
  private final PrintWriter log;

  private static final byte[] NO_BODY = new byte[0];

  /** Stands for a body over {@code --max-body}, which is answered 413 once the route allows. */
  private static final byte[] TOO_LARGE = new byte[0];

  /**
   * Undertow, XNIO and JBoss Threads log through JBoss Logging, which would pick the log4j 1 API
   * (reload4j, there for yavijava) and print its "no appenders" warning: they log to the JDK's
   * logging instead, warnings only. Kept referenced: the JDK holds loggers weakly, and a collected
   * logger forgets its level.
   */
  private static final List<Logger> LIBRARY_LOGGERS;

  static {
    if (System.getProperty("org.jboss.logging.provider") == null) {
      System.setProperty("org.jboss.logging.provider", "jdk");
    }
    LIBRARY_LOGGERS =
        Stream.of("io.undertow", "org.xnio", "org.jboss.threads").map(Logger::getLogger).toList();
    LIBRARY_LOGGERS.forEach(l -> l.setLevel(Level.WARNING));
  }

  private final AccessLog accessLog;

  /** The answers given later (long polls) still waiting. */
  private final Set<CompletableFuture<Http.Reply>> waiting = ConcurrentHashMap.newKeySet();

  /**
   * Binds {@code address} (a port in use fails here, before anything runs); connections wait in the
   * backlog until {@link #start}.
   */
  HttpFront(
      InetSocketAddress address,
      SSLContext tls,
      int threads,
      int nice,
      Api api,
      Access access,
      RateLimiter limiter,
      Metrics metrics,
      long maxBody,
      PrintWriter log)
      throws IOException {
    this.api = api;
    this.access = access;
    this.limiter = limiter;
    this.metrics = metrics;
    this.maxBody = maxBody;
    this.log = log;
    AtomicInteger n = new AtomicInteger();
    this.answering =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            Nice.lowered(() -> "vmtree-http-" + n.incrementAndGet(), nice, log));
    answering.prestartAllCoreThreads();
    Xnio xnio = Xnio.getInstance(HttpFront.class.getClassLoader());
    XnioWorker started = null;
    try {
      started = startLowered(xnio, nice, log);
      this.server = listen(xnio, started, address, tls);
    } catch (IOException | RuntimeException e) {
      if (started != null) {
        started.shutdownNow();
      }
      answering.shutdownNow();
      throw e;
    }
    this.worker = started;
    this.accessLog = new AccessLog(log, nice);
  }

  /**
   * {@return XNIO's worker: its I/O threads (as many as processors, at least 2) and the accepting
   * thread}, started from a thread lowered by {@code nice} so that they inherit it: XNIO gives no
   * hook to run on its threads as they start.
   */
  private static XnioWorker startLowered(Xnio xnio, int nice, PrintWriter log) throws IOException {
    OptionMap options =
        OptionMap.builder()
            .set(Options.WORKER_NAME, "vmtree-io")
            .set(Options.WORKER_IO_THREADS, Math.max(2, Runtime.getRuntime().availableProcessors()))
            // its task threads only run TLS handshakes' slow steps; requests have ours
            .set(Options.WORKER_TASK_CORE_THREADS, 1)
            .set(Options.WORKER_TASK_MAX_THREADS, 4)
            .set(Options.TCP_NODELAY, true)
            .getMap();
    FutureTask<XnioWorker> start =
        new FutureTask<>(
            () -> {
              Nice.lowerThisThread(nice, log);
              return xnio.createWorker(options);
            });
    Thread starter = new Thread(start, "vmtree-io-start");
    starter.setDaemon(true);
    starter.start();
    try {
      return start.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IllegalStateException("cannot start the HTTP server's threads", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting the HTTP server", e);
    }
  }

  private AcceptingChannel<? extends StreamConnection> listen(
      Xnio xnio, XnioWorker worker, InetSocketAddress address, SSLContext tls) throws IOException {
    OptionMap http =
        OptionMap.builder()
            // a request whose line and headers take longer than this to arrive is cut
            .set(UndertowOptions.REQUEST_PARSE_TIMEOUT, (int) (REQUEST_SECONDS * 1000))
            .set(UndertowOptions.ALWAYS_SET_KEEP_ALIVE, false)
            .getMap();
    HttpOpenListener open = new HttpOpenListener(new DefaultByteBufferPool(true, 16 * 1024), http);
    // a client that sends "Expect: 100-continue" (curl with a large body, Java's HttpClient when
    // asked) is told to go on when its body is first read; without it, it waits its own timeout
    // (curl: 1 s) before sending the body
    open.setRootHandler(new HttpContinueReadHandler(this::arrived));
    OptionMap socket =
        OptionMap.builder()
            .set(Options.BACKLOG, 256)
            .set(Options.REUSE_ADDRESSES, true)
            .set(Options.TCP_NODELAY, true)
            // a connection reading nothing for this long (a body that stops halfway, a kept-alive
            // connection left idle) is closed; a long poll is not reading, so it is not cut
            .set(Options.READ_TIMEOUT, (int) (REQUEST_SECONDS * 1000))
            .getMap();
    if (tls == null) {
      return worker.createStreamConnectionServer(
          address, ChannelListeners.openListenerAdapter(open), socket);
    }
    UndertowXnioSsl ssl = new UndertowXnioSsl(xnio, OptionMap.EMPTY, tls);
    return ssl.createSslConnectionServer(
        worker,
        address,
        ChannelListeners.openListenerAdapter(open),
        OptionMap.builder().addAll(socket).set(Options.SSL_ENABLED, true).getMap());
  }

  void start() {
    server.resumeAccepts();
    accessLog.start();
  }

  /** {@return the address it listens on (the port chosen when 0 was asked)} */
  InetSocketAddress address() {
    return server.getLocalAddress(InetSocketAddress.class);
  }

  /**
   * Stops listening; requests being answered get up to {@code seconds} to finish. A long poll still
   * waiting is answered {@code 503} first: once the server is stopped, it could never be.
   */
  void stop(int seconds) {
    ApiError stopping =
        new ApiError(
            503, "stopping", "the service is stopping; ask again once it is back (GET /healthz)");
    IoUtils.safeClose(server);
    for (CompletableFuture<Http.Reply> later : List.copyOf(waiting)) {
      later.completeExceptionally(stopping);
    }
    answering.shutdown();
    try {
      answering.awaitTermination(seconds, TimeUnit.SECONDS);
      // closes the connections once the answers written are sent
      worker.shutdown();
      if (!worker.awaitTermination(seconds, TimeUnit.SECONDS)) {
        worker.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      worker.shutdownNow();
    }
    accessLog.stop();
  }

  /**
   * On an I/O thread, a request whose line and headers have arrived: its body, if it has one, is
   * read without waiting on the client; then an answering thread takes it.
   */
  private void arrived(HttpServerExchange exchange) {
    long start = System.nanoTime();
    HeaderMap headers = exchange.getRequestHeaders();
    if (!headers.contains(Headers.CONTENT_LENGTH) && !headers.contains(Headers.TRANSFER_ENCODING)) {
      // HTTP/1.1: a request with neither header has no body (every GET of a polling client)
      exchange.dispatch(answering, () -> answer(exchange, NO_BODY, start));
      return;
    }
    if (exchange.getRequestContentLength() > maxBody) {
      // not read: the connection closes after the answer
      exchange.setPersistent(false);
      exchange.dispatch(answering, () -> answer(exchange, TOO_LARGE, start));
      return;
    }
    // read in parts and counted here: Undertow's own limit (MAX_ENTITY_SIZE) closes the
    // connection of a chunked body that passes it without an answer
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    exchange
        .getRequestReceiver()
        .receivePartialBytes(
            (ex, part, last) -> {
              if (received.size() + part.length > maxBody) {
                ex.getRequestReceiver().pause();
                ex.setPersistent(false);
                ex.dispatch(answering, () -> answer(ex, TOO_LARGE, start));
                return;
              }
              received.write(part, 0, part.length);
              if (last) {
                ex.dispatch(answering, () -> answer(ex, received.toByteArray(), start));
              }
            },
            // the client went away, or stopped sending: nobody to answer
            (ex, failure) -> IoUtils.safeClose(ex.getConnection()));
  }

  /** On an answering thread: the request, with its {@code body} whole. */
  private void answer(HttpServerExchange exchange, byte[] body, long start) {
    String method = exchange.getRequestMethod().toString();
    String path = exchange.getRequestPath();
    String route = "unmatched";
    String who = "-";
    try {
      Api.Route matched = null;
      Matcher match = null;
      if (path.length() > 1 && path.endsWith("/")) {
        throw ApiError.notFound(
            "no route " + path + ": paths take no trailing slash (see /v1/openapi.json)");
      }
      for (Api.Route r : api.routes()) {
        if (r.method().equals(method) && path.startsWith(r.prefix())) {
          Matcher m = r.pattern().matcher(path);
          if (m.matches()) {
            matched = r;
            match = m;
            break;
          }
        }
      }
      if (matched == null) {
        Set<String> allowed = new TreeSet<>();
        for (Api.Route r : api.routes()) {
          if (path.startsWith(r.prefix()) && r.pattern().matcher(path).matches()) {
            allowed.add(r.method());
          }
        }
        if (allowed.isEmpty()) {
          throw ApiError.notFound("no route " + path + " (see /v1/openapi.json)");
        }
        header(exchange, "Allow", String.join(", ", allowed));
        throw new ApiError(405, "method_not_allowed", method + " is not allowed on " + path);
      }
      route = matched.template();
      Token token = null;
      ApiError refused = null;
      if (matched.role() != null) {
        try {
          token = access.authenticate(exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION));
          who = token.name();
        } catch (ApiError e) {
          refused = e;
        }
      }
      long retry = limiter.limits() ? limiter.tryAcquire(caller(exchange, token)) : 0;
      if (retry > 0) {
        header(exchange, "Retry-After", Long.toString(retry));
        throw new ApiError(429, "rate_limited", "too many requests; retry in " + retry + " s");
      }
      if (refused != null) {
        header(exchange, "WWW-Authenticate", "Bearer realm=\"vmtree\"");
        throw refused;
      }
      if (token != null && !token.role().allows(matched.role())) {
        throw ApiError.forbidden(
            "token "
                + token.name()
                + " has the role "
                + token.role().label()
                + "; "
                + method
                + " "
                + matched.template()
                + " needs "
                + matched.role().label());
      }
      if (body == TOO_LARGE) {
        throw new ApiError(
            413, "too_large", "the request body is larger than the limit of " + maxBody + " bytes");
      }
      Http.Request request = new Http.Request(method, path, query(exchange), token, body);
      Http.Reply reply = matched.handler().handle(request, match);
      if (reply instanceof Http.Later later) {
        waitFor(exchange, later.reply(), route, who, start);
        return;
      }
      send(exchange, render(reply), route, who, start);
    } catch (ApiError e) {
      send(exchange, render(error(e)), route, who, start);
    } catch (RuntimeException e) {
      log.println("internal error answering " + method + " " + LogText.escape(path) + ": " + e);
      e.printStackTrace(log);
      send(
          exchange,
          render(
              error(
                  new ApiError(
                      500, "internal", "internal error: " + e.getClass().getSimpleName()))),
          route,
          who,
          start);
    }
  }

  /** {@return who the rate limit counts a request against: its token, else its address} */
  private static String caller(HttpServerExchange exchange, Token token) {
    return token != null
        ? "token:" + token.name()
        : "addr:" + exchange.getSourceAddress().getAddress().getHostAddress();
  }

  private static void header(HttpServerExchange exchange, String name, String value) {
    exchange.getResponseHeaders().put(HttpString.tryFromString(name), value);
  }

  /**
   * Answers {@code exchange} when {@code later} completes, without holding a thread meanwhile; a
   * stop answers the ones still waiting (see {@link #stop}).
   */
  private void waitFor(
      HttpServerExchange exchange,
      CompletableFuture<Http.Reply> later,
      String route,
      String who,
      long start) {
    waiting.add(later);
    later.whenComplete(
        (r, e) -> {
          waiting.remove(later);
          Runnable answer =
              () -> send(exchange, render(e == null ? r : error(failure(e))), route, who, start);
          try {
            // rendered on a request thread, at the reads' priority, not the operation's
            answering.execute(answer);
          } catch (RejectedExecutionException stopped) {
            answer.run();
          }
        });
  }

  private static Map<String, String> query(HttpServerExchange exchange) {
    Map<String, String> query = new LinkedHashMap<>();
    String raw = exchange.getQueryString();
    if (raw == null || raw.isEmpty()) {
      return query;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        query.put(
            URLDecoder.decode(key, StandardCharsets.UTF_8),
            URLDecoder.decode(value, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw ApiError.badRequest("malformed query string: " + e.getMessage());
      }
    }
    return query;
  }

  /** {@return the error a later answer failed with: its own when it is one, else a 500} */
  private static ApiError failure(Throwable e) {
    Throwable cause =
        e instanceof java.util.concurrent.CompletionException && e.getCause() != null
            ? e.getCause()
            : e;
    return cause instanceof ApiError api ? api : new ApiError(500, "internal", cause.toString());
  }

  private static Http.Reply error(ApiError e) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("status", e.status());
    error.put("code", e.code());
    error.put("message", e.getMessage());
    return new Http.Json(e.status(), Map.of("error", error));
  }

  /** An answer serialized: what {@link #send} writes. */
  private record Rendered(int status, String type, byte[] bytes, Map<String, String> headers) {}

  private static Rendered render(Http.Reply reply) {
    if (reply instanceof Http.Json json) {
      return new Rendered(
          json.status(), "application/json", JsonAnswer.line(json.body()), json.headers());
    }
    if (reply instanceof Http.Encoded encoded) {
      return new Rendered(encoded.status(), "application/json", encoded.json(), Map.of());
    }
    Http.Text text = (Http.Text) reply;
    return new Rendered(
        text.status(), text.contentType(), text.body().getBytes(StandardCharsets.UTF_8), Map.of());
  }

  /**
   * Writes the answer (headers and body in one write where the socket takes it; the rest is written
   * by the connection's I/O thread) and ends the exchange.
   */
  private void send(
      HttpServerExchange exchange, Rendered answer, String route, String who, long start) {
    try {
      exchange.setStatusCode(answer.status());
      answer.headers().forEach((k, v) -> header(exchange, k, v));
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, answer.type());
      byte[] bytes = answer.bytes();
      exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, bytes.length);
      if (bytes.length == 0) {
        exchange.endExchange();
      } else {
        exchange.getResponseSender().send(ByteBuffer.wrap(bytes));
      }
    } catch (RuntimeException e) {
      // the client went away; nothing to answer
      IoUtils.safeClose(exchange.getConnection());
    } finally {
      metrics.request(route, answer.status());
      accessLog.add(
          exchange.getSourceAddress(),
          who,
          exchange.getRequestMethod().toString(),
          exchange.getRequestPath(),
          answer.status(),
          System.nanoTime() - start);
    }
  }
}
