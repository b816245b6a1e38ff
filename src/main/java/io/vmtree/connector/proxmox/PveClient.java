package io.vmtree.connector.proxmox;

import io.vmtree.connector.ConnectorException;
import io.vmtree.connector.ConnectorException.Kind;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A client of one PVE cluster's REST API ({@code /api2/json}): GET/DELETE with query parameters,
 * POST/PUT with form-encoded bodies (as pveproxy expects), every answer unwrapped from its {@code
 * {"data": ...}} envelope. Logs in with an API token ({@code Authorization:
 * PVEAPIToken=USER@REALM!TOKENID=SECRET}) or with a ticket ({@code POST /access/ticket}, then the
 * {@code PVEAuthCookie} cookie and, on writes, the {@code CSRFPreventionToken} header), renewed
 * before PVE's two-hour lifetime runs out. Lock timeouts are retried here a few times with backoff
 * (the call had no effect), and so are the proxy's 502-504; what is still failing goes to the
 * engine as a {@link ConnectorException} whose kind says whether it may retry.
 *
 * <p>Thread-safe; one client serves every thread of a command. Secrets are read from their
 * suppliers only when logging in and never appear in a message.
 */
final class PveClient implements AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** PVE tickets live two hours (PVE::AccessControl $ticket_lifetime); renew well before. */
  static final Duration TICKET_RENEWAL = Duration.ofMinutes(90);

  /** How a client proves who it is. */
  sealed interface Credentials {
    /** An API token: {@code USER@REALM!TOKENID} and its secret. */
    record Token(String tokenId, Supplier<String> secret) implements Credentials {}

    /** A user and password, exchanged for a ticket. */
    record Password(String user, Supplier<String> password) implements Credentials {}
  }

  /** How many times to try a call that hit a lock or a passing proxy error, and the first wait. */
  record Retries(int attempts, Duration firstDelay) {
    static final Retries DEFAULT = new Retries(4, Duration.ofMillis(250));
  }

  private final String name;
  private final URI api;
  private final Credentials credentials;
  private final HttpClient http;
  private final PveTls tls;
  private final Duration requestTimeout;
  private final Retries retries;
  private final Duration ticketRenewal;
  private final LongSupplier nanoClock;
  private final AtomicLong calls = new AtomicLong();
  private final Object loginLock = new Object();
  private volatile Ticket ticket;

  private record Ticket(String cookie, String csrf, long obtainedNanos) {}

  PveClient(
      String name,
      URI api,
      Credentials credentials,
      PveTls tls,
      Duration requestTimeout,
      Retries retries,
      Duration ticketRenewal) {
    this(name, api, credentials, tls, requestTimeout, retries, ticketRenewal, System::nanoTime);
  }

  /** As above, with the clock that ages tickets ({@link System#nanoTime} but in tests). */
  PveClient(
      String name,
      URI api,
      Credentials credentials,
      PveTls tls,
      Duration requestTimeout,
      Retries retries,
      Duration ticketRenewal,
      LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    this.name = name;
    this.api = api;
    this.credentials = credentials;
    this.tls = tls;
    this.requestTimeout = requestTimeout;
    this.retries = retries;
    this.ticketRenewal = ticketRenewal;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(tls.context())
            .connectTimeout(requestTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** {@return the {@code data} of {@code GET path?query}} */
  JsonNode get(String path, Map<String, String> query) {
    return call("GET", path, query);
  }

  /** {@return the {@code data} of {@code POST path} with a form body} */
  JsonNode post(String path, Map<String, String> form) {
    return call("POST", path, form);
  }

  /** {@return the {@code data} of {@code PUT path} with a form body} */
  JsonNode put(String path, Map<String, String> form) {
    return call("PUT", path, form);
  }

  /** {@return the {@code data} of {@code DELETE path?query}} */
  JsonNode delete(String path, Map<String, String> query) {
    return call("DELETE", path, query);
  }

  /** {@return the HTTP requests made so far, logins and task polls included} */
  long calls() {
    return calls.get();
  }

  /** Logs in now (ticket credentials), so that bad credentials fail at connect. */
  void login() {
    if (credentials instanceof Credentials.Password) {
      renewTicket(null);
    }
  }

  /** {@return {@code text} encoded as one path segment} */
  static String segment(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private JsonNode call(String method, String path, Map<String, String> params) {
    long delay = retries.firstDelay().toMillis();
    for (int attempt = 1; ; attempt++) {
      try {
        return once(method, path, params, true);
      } catch (ConnectorException e) {
        if (!(e.kind() == Kind.CONFLICT || e.kind() == Kind.TRANSIENT)
            || attempt >= retries.attempts()) {
          throw e;
        }
      }
      sleep(delay + ThreadLocalRandom.current().nextLong(delay / 2 + 1));
      delay = Math.min(delay * 2, 5_000);
    }
  }

  private JsonNode once(String method, String path, Map<String, String> params, boolean relogin) {
    boolean write = !method.equals("GET");
    String encoded = form(params);
    boolean inBody = method.equals("POST") || method.equals("PUT");
    URI uri = URI.create(api + path + (!inBody && !encoded.isEmpty() ? "?" + encoded : ""));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).timeout(requestTimeout).header("Accept", "application/json");
    if (inBody) {
      request
          .header("Content-Type", "application/x-www-form-urlencoded")
          .method(method, HttpRequest.BodyPublishers.ofString(encoded));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    Ticket used = authenticate(request, write);
    HttpResponse<String> response = send(request.build(), method);
    int status = response.statusCode();
    if (status == 401 && used != null && relogin) {
      renewTicket(used); // expired or revoked: log in again once
      return once(method, path, params, false);
    }
    JsonNode body = parse(response.body());
    if (status == 200) {
      return body.path("data");
    }
    throw PveErrors.of(name, status, message(body));
  }

  private Ticket authenticate(HttpRequest.Builder request, boolean write) {
    if (credentials instanceof Credentials.Token token) {
      request.header(
          "Authorization", "PVEAPIToken=" + token.tokenId() + "=" + token.secret().get());
      return null;
    }
    Ticket current = ticket;
    if (current == null
        || nanoClock.getAsLong() - current.obtainedNanos() > ticketRenewal.toNanos()) {
      current = renewTicket(current);
    }
    request.header("Cookie", "PVEAuthCookie=" + current.cookie());
    if (write) {
      request.header("CSRFPreventionToken", current.csrf());
    }
    return current;
  }

  /** Logs in again unless another thread already replaced {@code stale}. */
  private Ticket renewTicket(Ticket stale) {
    synchronized (loginLock) {
      if (ticket != null && ticket != stale) {
        return ticket;
      }
      Credentials.Password password = (Credentials.Password) credentials;
      Map<String, String> form = new LinkedHashMap<>();
      form.put("username", password.user());
      form.put("password", password.password().get());
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(api + "/access/ticket"))
              .timeout(requestTimeout)
              .header("Content-Type", "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString(form(form)))
              .build();
      HttpResponse<String> response = send(request, "POST");
      JsonNode body = parse(response.body());
      JsonNode data = body.path("data");
      if (response.statusCode() != 200 || !data.path("ticket").isString()) {
        int status = response.statusCode() == 200 ? 401 : response.statusCode();
        throw PveErrors.of(name, status, message(body));
      }
      ticket =
          new Ticket(
              data.path("ticket").asString(),
              data.path("CSRFPreventionToken").asString(),
              nanoClock.getAsLong());
      return ticket;
    }
  }

  private HttpResponse<String> send(HttpRequest request, String method) {
    calls.incrementAndGet();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpConnectTimeoutException | ConnectException e) {
      throw new ConnectorException(
          Kind.UNREACHABLE, name + ": cannot connect to " + api.getAuthority() + ": " + why(e), e);
    } catch (HttpTimeoutException e) {
      // a read may be retried; a write that timed out may or may not have happened
      throw new ConnectorException(
          method.equals("GET") ? Kind.TRANSIENT : Kind.UNREACHABLE,
          name + ": no answer from " + api.getAuthority() + " within " + requestTimeout,
          e);
    } catch (SSLException e) {
      throw new ConnectorException(Kind.UNREACHABLE, name + ": " + tlsProblem(e), e);
    } catch (IOException e) {
      throw new ConnectorException(
          Kind.UNREACHABLE, name + ": " + api.getAuthority() + " unreachable: " + why(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectorException(Kind.TRANSIENT, name + ": interrupted", e);
    }
  }

  private String tlsProblem(SSLException e) {
    String seen = tls.seenFingerprint();
    String text = "TLS handshake with " + api.getAuthority() + " failed: " + why(e);
    if (seen != null) {
      text +=
          "; its certificate's SHA-256 fingerprint is "
              + seen
              + " (check it on the node with `pvenode cert info`, then set fingerprint: to pin it)";
    }
    return text;
  }

  private static String why(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? e.getMessage() : root.getMessage();
    if (message != null) {
      return message;
    }
    return root instanceof ConnectException ? "connection refused" : "no connection";
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return JSON.missingNode();
    }
    try {
      return JSON.readTree(body);
    } catch (JacksonException e) {
      return JSON.missingNode();
    }
  }

  /** The error text of a PVE answer: {@code message}, then any parameter {@code errors}. */
  private static String message(JsonNode body) {
    StringBuilder text = new StringBuilder(body.path("message").asString(""));
    JsonNode errors = body.path("errors");
    if (errors.isObject() && !errors.isEmpty()) {
      StringJoiner each = new StringJoiner("; ", " (", ")");
      errors.properties().forEach(e -> each.add(e.getKey() + ": " + e.getValue().asString()));
      text.append(each);
    }
    return text.toString().strip();
  }

  private static String form(Map<String, String> params) {
    StringJoiner joined = new StringJoiner("&");
    if (params != null) {
      params.forEach(
          (k, v) ->
              joined.add(
                  URLEncoder.encode(k, StandardCharsets.UTF_8)
                      + "="
                      + URLEncoder.encode(v, StandardCharsets.UTF_8)));
    }
    return joined.toString();
  }

  private void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectorException(Kind.TRANSIENT, name + ": interrupted", e);
    }
  }

  @Override
  public void close() {
    // HttpClient has no close() before Java 21; its threads end with the process
  }
}
