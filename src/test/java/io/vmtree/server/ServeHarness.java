package io.vmtree.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vmtree.engine.Engine;
import io.vmtree.engine.EngineScenario;
import io.vmtree.testing.TreeFixture;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * A service on a loopback port over a tree and a state in a temporary directory, and an HTTP client
 * speaking to it as any client would.
 */
final class ServeHarness implements AutoCloseable {
  static final JsonMapper JSON = JsonMapper.builder().build();

  /** The tokens of {@link #TOKENS_FILE}: name to secret. */
  static final Map<String, String> TOKENS =
      Map.of(
          "lab-reader", "secret-lab-reader",
          "lab-planner", "secret-lab-planner",
          "lab-ops", "secret-lab-ops",
          "root-admin", "secret-root-admin");

  static final String TOKENS_FILE =
      "# name  role  subtrees  sha256\n"
          + "lab-reader  read  /lab/**  sha256:"
          + TokenFile.hash("secret-lab-reader")
          + "\n"
          + "lab-planner plan  /lab/**  sha256:"
          + TokenFile.hash("secret-lab-planner")
          + "\n"
          + "lab-ops     apply /lab/**  sha256:"
          + TokenFile.hash("secret-lab-ops")
          + "\n"
          + "root-admin  admin /**      sha256:"
          + TokenFile.hash("secret-root-admin")
          + "\n";

  /** A response: status, body parsed as JSON when it is, and headers. */
  record Response(int status, String body, HttpResponse<String> raw) {
    @SuppressWarnings("unchecked")
    Map<String, Object> json() {
      return JSON.readValue(body, Map.class);
    }

    String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    @SuppressWarnings("unchecked")
    String errorCode() {
      return (String) ((Map<String, Object>) json().get("error")).get("code");
    }
  }

  final Path dir;
  final Path tree;
  final Path state;
  final StringWriter log = new StringWriter();
  private final HttpClient client;
  Service service;
  ServeOptions options;

  private ServeHarness(Path dir, HttpClient client) {
    this.dir = dir;
    this.tree = dir.resolve("tree");
    this.state = dir.resolve("state");
    this.client = client;
  }

  /** A tree of {@code files} (relative path, content, ...) under {@code dir}; not started yet. */
  static ServeHarness of(Path dir, String... files) {
    ServeHarness h =
        new ServeHarness(
            dir, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    TreeFixture.write(h.tree, TreeFixture.files(files));
    return h;
  }

  /** A root folder with sims sim1 and sim2 of {@code simFields}, and a small prototype. */
  static String root(String simFields) {
    return EngineScenario.rootFolder(simFields);
  }

  ServeOptions defaults(boolean tokens) {
    Path tokensFile = null;
    if (tokens) {
      tokensFile = dir.resolve("tokens.txt");
      write(tokensFile, TOKENS_FILE);
    }
    return new ServeOptions(
        tree,
        state,
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        tokensFile,
        null,
        null,
        10,
        4096,
        0,
        1,
        Duration.ofSeconds(30),
        8,
        false);
  }

  ServeHarness start(ServeOptions options) {
    this.options = options;
    this.service = Service.start(options, Engine.create(Map.of()), new PrintWriter(log, true));
    return this;
  }

  ServeHarness start(boolean tokens) {
    return start(defaults(tokens));
  }

  Response get(String path, String token) {
    return send(builder(path, token).GET().build());
  }

  Response get(String path) {
    return get(path, null);
  }

  Response post(String path, String body, String token) {
    return send(
        builder(path, token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : body))
            .build());
  }

  Response post(String path, String body) {
    return post(path, body, null);
  }

  /** {@return the operation {@code id} once final (long polls, asserting it ends in time)} */
  Map<String, Object> await(Object id, String token) {
    for (int i = 0; i < 12; i++) {
      Response r = get("/v1/operations/" + id + "?wait=10s", token);
      assertEquals(200, r.status(), r.body());
      Map<String, Object> op = r.json();
      String status = (String) op.get("status");
      if (!status.equals("pending") && !status.equals("running")) {
        return op;
      }
    }
    throw new AssertionError("operation " + id + " did not finish in 120 s");
  }

  Map<String, Object> await(Object id) {
    return await(id, null);
  }

  /** {@return the id of the plan of {@code body}, run to success} */
  long plan(String body, String token) {
    Response r = post("/v1/plan", body, token);
    assertEquals(202, r.status(), r.body());
    Map<String, Object> op = await(r.json().get("id"), token);
    assertEquals("succeeded", op.get("status"), op.toString());
    return ((Number) op.get("id")).longValue();
  }

  /** {@return the final apply operation of a plan of {@code body}} */
  Map<String, Object> planAndApply(String body, String token) {
    long plan = plan(body, token);
    Response r = post("/v1/apply", "{\"plan\": " + plan + "}", token);
    assertEquals(202, r.status(), r.body());
    return await(r.json().get("id"), token);
  }

  private HttpRequest.Builder builder(String path, String token) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(service.url() + path)).timeout(Duration.ofSeconds(60));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  Response send(HttpRequest request) {
    try {
      HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.body(), r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * {@return the service's log once it holds {@code fragment}}: the access log is written by its
   * own thread a moment after the answer (asserting it comes within 10 s)
   */
  String logWith(String fragment) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!log.toString().contains(fragment)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no \"" + fragment + "\" in the log within 10 s:\n" + log);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return log.toString();
  }

  /** A queue on a new held state, for the tests that drive the queue itself, without HTTP. */
  record QueueFixture(HeldState state, OperationQueue queue) implements AutoCloseable {
    @Override
    public void close() {
      queue.close(java.time.Duration.ofSeconds(10));
      state.close();
    }
  }

  /** {@return a queue on a new held state in {@code dir}; what both log is not looked at} */
  static QueueFixture queueIn(Path dir) {
    java.io.PrintWriter log = new java.io.PrintWriter(new java.io.StringWriter());
    HeldState state = HeldState.open(dir.resolve("state"), "serve test", log);
    return new QueueFixture(
        state,
        new OperationQueue(
            state, new QueueFiles(dir.resolve("queue")), java.time.Clock.systemUTC(), log));
  }

  static void write(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> list(Object value) {
    return (List<Map<String, Object>>) value;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    return (Map<String, Object>) value;
  }

  @Override
  public void close() {
    if (service != null) {
      service.stop();
    }
  }
}
