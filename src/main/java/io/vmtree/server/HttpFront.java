package io.vmtree.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import javax.net.ssl.SSLContext;

/**
 * The HTTP(S) server: the JDK's {@code com.sun.net.httpserver}. Every request goes through the same
 * steps: route, authenticate, rate limit, role, body size, handler, answer; every answer is logged
 * with the token's name (never the token) and counted.
 *
 * <p>Requests are read and answered on a {@link ConnectionPool} of {@code --http-threads} threads
 * that grows only while they are all stuck on clients that send their requests slowly or not at
 * all; the JDK server's request time limit closes a connection whose request is not whole within
 * {@link #REQUEST_SECONDS}.
 */
final class HttpFront {
  /** Threads the pool may grow to while clients hold its threads without sending requests. */
  static final int CONNECTION_THREADS = 256;

  /** The default time limit for a request to arrive whole, in seconds. */
  static final long REQUEST_SECONDS = 20;

  static final String NO_DELAY = "sun.net.httpserver.nodelay";
  static final String MAX_REQUEST_TIME = "sun.net.httpserver.maxReqTime";

  private final HttpServer server;
  private final ConnectionPool pool;
  private final Api api;
  private final Access access;
  private final RateLimiter limiter;
  private final Metrics metrics;
  private final long maxBody;
  private final PrintWriter log;

  private static final byte[] NO_BODY = new byte[0];

  /**
   * The access log is written by its own thread every FLUSH_MS: a request only queues its line (no
   * lock, no formatting), because a line written by each request thread, under the log's lock, made
   * 50 concurrent readers wait for each other (JFR: the most contended monitor of the read path
   * after the JDK server's own).
   */
  private static final long FLUSH_MS = 200;

  /** Lines queued beyond this many are dropped, and the log says how many. */
  private static final int MAX_PENDING = 100_000;

  /** One request of the access log, formatted when it is written. */
  private record AccessLine(
      Instant at,
      InetSocketAddress from,
      String who,
      String method,
      String path,
      int status,
      long nanos) {
    @Override
    public String toString() {
      return at
          + " "
          + from.getAddress().getHostAddress()
          + " "
          + LogText.escape(who)
          + " "
          + LogText.escape(method)
          + " "
          + LogText.escape(path)
          + " "
          + status
          + " "
          + nanos / 1_000_000
          + "ms";
    }
  }

  private final ConcurrentLinkedQueue<AccessLine> pending = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pendingCount = new AtomicInteger();
  private final AtomicLong dropped = new AtomicLong();

  private final java.util.concurrent.ScheduledExecutorService flusher;

  /** The answers given later (long polls) still waiting. */
  private final Set<CompletableFuture<Http.Reply>> waiting = ConcurrentHashMap.newKeySet();

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
    defaultProperty(NO_DELAY, "true");
    defaultProperty(MAX_REQUEST_TIME, Long.toString(REQUEST_SECONDS));
    if (tls == null) {
      server = HttpServer.create(address, 256);
    } else {
      HttpsServer https = HttpsServer.create(address, 256);
      https.setHttpsConfigurator(new HttpsConfigurator(tls));
      server = https;
    }
    pool =
        new ConnectionPool(
            threads, CONNECTION_THREADS, "vmtree-http", () -> Nice.lowerThisThread(nice, log));
    server.setExecutor(pool);
    server.createContext("/", this::handle);
    flusher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "vmtree-access-log");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Sets a property of the JDK's server unless given (a {@code -D} on the command line wins); they
   * are read once, when the JDK's server first starts in this JVM.
   *
   * <p>{@link #NO_DELAY} turns Nagle's algorithm off. The server writes an answer's headers and its
   * body in two writes; with Nagle on, the body waits for the client to acknowledge the headers,
   * which a client waiting for the body delays by up to 40 ms: on a kept-alive connection every
   * read then took over 40 ms (measured by bench/serve.sh: p50 44 ms with no load; 5 ms without).
   *
   * <p>{@link #MAX_REQUEST_TIME} closes a connection whose request has not arrived whole (line,
   * headers and body) that many seconds after it was opened or last became active, so that a silent
   * or slow client holds a thread for that long at most. It does not cut long polls: their request
   * is whole at once, and only the answer waits.
   */
  private static void defaultProperty(String name, String value) {
    if (System.getProperty(name) == null) {
      System.setProperty(name, value);
    }
  }

  void start() {
    server.start();
    flusher.scheduleWithFixedDelay(this::writeLog, FLUSH_MS, FLUSH_MS, TimeUnit.MILLISECONDS);
  }

  /** {@return the address it listens on (the port chosen when 0 was asked)} */
  InetSocketAddress address() {
    return server.getAddress();
  }

  /**
   * Stops listening; requests being answered get up to {@code seconds} to finish. A long poll still
   * waiting is answered {@code 503} first: once the server is stopped, it could never be.
   */
  void stop(int seconds) {
    ApiError stopping =
        new ApiError(
            503, "stopping", "the service is stopping; ask again once it is back (GET /healthz)");
    for (CompletableFuture<Http.Reply> later : List.copyOf(waiting)) {
      later.completeExceptionally(stopping);
    }
    server.stop(seconds);
    flusher.shutdown();
    try {
      pool.stop(seconds);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    writeLog();
  }

  /** Writes the queued lines of the access log, and flushes the log. */
  private synchronized void writeLog() {
    AccessLine line;
    while ((line = pending.poll()) != null) {
      pendingCount.decrementAndGet();
      log.println(line);
    }
    long lost = dropped.getAndSet(0);
    if (lost > 0) {
      log.println(lost + " lines of the access log dropped: it was written too slowly");
    }
    log.flush();
  }

  private void handle(HttpExchange exchange) {
    long start = System.nanoTime();
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    String[] route = {"unmatched"};
    String[] who = {"-"};
    try {
      Api.Route matched = null;
      Matcher match = null;
      Set<String> allowed = new TreeSet<>();
      if (path.length() > 1 && path.endsWith("/")) {
        throw ApiError.notFound(
            "no route " + path + ": paths take no trailing slash (see /v1/openapi.json)");
      }
      for (Api.Route r : api.routes()) {
        Matcher m = r.pattern().matcher(path);
        if (m.matches()) {
          if (r.method().equals(method)) {
            matched = r;
            match = m;
            break;
          }
          allowed.add(r.method());
        }
      }
      if (matched == null) {
        if (allowed.isEmpty()) {
          throw ApiError.notFound("no route " + path + " (see /v1/openapi.json)");
        }
        exchange.getResponseHeaders().set("Allow", String.join(", ", allowed));
        throw new ApiError(405, "method_not_allowed", method + " is not allowed on " + path);
      }
      route[0] = matched.template();
      Token token = null;
      String caller = "addr:" + exchange.getRemoteAddress().getAddress().getHostAddress();
      ApiError refused = null;
      if (matched.role() != null) {
        try {
          token = access.authenticate(exchange.getRequestHeaders().getFirst("Authorization"));
          who[0] = token.name();
          caller = "token:" + token.name();
        } catch (ApiError e) {
          refused = e;
        }
      }
      long retry = limiter.tryAcquire(caller);
      if (retry > 0) {
        exchange.getResponseHeaders().set("Retry-After", Long.toString(retry));
        throw new ApiError(429, "rate_limited", "too many requests; retry in " + retry + " s");
      }
      if (refused != null) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"vmtree\"");
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
      byte[] body = readBody(exchange);
      Http.Request request = new Http.Request(method, path, query(exchange), token, body);
      Http.Reply reply = matched.handler().handle(request, match);
      if (reply instanceof Http.Later later) {
        waitFor(exchange, later.reply(), route[0], who[0], start);
        return;
      }
      send(exchange, render(reply), route[0], who[0], start);
    } catch (ApiError e) {
      send(exchange, render(error(e)), route[0], who[0], start);
    } catch (RuntimeException e) {
      log.println("internal error answering " + method + " " + LogText.escape(path) + ": " + e);
      e.printStackTrace(log);
      send(
          exchange,
          render(
              error(
                  new ApiError(
                      500, "internal", "internal error: " + e.getClass().getSimpleName()))),
          route[0],
          who[0],
          start);
    }
  }

  /**
   * Answers {@code exchange} when {@code later} completes, without holding a thread meanwhile; a
   * stop answers the ones still waiting (see {@link #stop}).
   */
  private void waitFor(
      HttpExchange exchange,
      CompletableFuture<Http.Reply> later,
      String route,
      String who,
      long start) {
    waiting.add(later);
    later.whenComplete(
        (r, e) -> {
          waiting.remove(later);
          send(exchange, render(e == null ? r : error(failure(e))), route, who, start);
        });
  }

  private byte[] readBody(HttpExchange exchange) {
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    if (length == null && !exchange.getRequestHeaders().containsKey("Transfer-Encoding")) {
      // HTTP/1.1: a request with neither header has no body (every GET of a polling client);
      // reading its empty stream cost each read a buffer
      return NO_BODY;
    }
    if (length != null) {
      long declared;
      try {
        declared = Long.parseLong(length.strip());
      } catch (NumberFormatException e) {
        throw ApiError.badRequest("Content-Length is not a number");
      }
      if (declared > maxBody) {
        throw tooLarge();
      }
    }
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBody + 1));
      if (body.length > maxBody) {
        throw tooLarge();
      }
      return body;
    } catch (IOException e) {
      throw ApiError.badRequest("cannot read the request body: " + e.getMessage());
    }
  }

  private ApiError tooLarge() {
    return new ApiError(
        413, "too_large", "the request body is larger than the limit of " + maxBody + " bytes");
  }

  private static Map<String, String> query(HttpExchange exchange) {
    Map<String, String> query = new LinkedHashMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
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

  private void send(HttpExchange exchange, Rendered answer, String route, String who, long start) {
    try (exchange) {
      answer.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
      exchange.getResponseHeaders().set("Content-Type", answer.type());
      byte[] bytes = answer.bytes();
      exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    } catch (IOException | RuntimeException e) {
      // the client went away; nothing to answer
    } finally {
      metrics.request(route, answer.status());
      if (pendingCount.incrementAndGet() <= MAX_PENDING) {
        pending.add(
            new AccessLine(
                Instant.now(),
                exchange.getRemoteAddress(),
                who,
                exchange.getRequestMethod(),
                exchange.getRequestURI().getPath(),
                answer.status(),
                System.nanoTime() - start));
      } else {
        pendingCount.decrementAndGet();
        dropped.incrementAndGet();
      }
    }
  }
}
