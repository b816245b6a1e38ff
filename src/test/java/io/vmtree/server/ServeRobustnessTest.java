package io.vmtree.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtree.server.ServeHarness.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Clients that misbehave (slow, silent, hostile paths) and a stop under a long poll. */
class ServeRobustnessTest {
  @TempDir Path dir;
  private ServeHarness h;
  private final List<Socket> sockets = new ArrayList<>();

  private ServeHarness serve(String simFields, ServeOptions options) {
    h =
        ServeHarness.of(
            dir,
            "_folder.yaml",
            ServeHarness.root(simFields),
            "lab/a.yaml",
            "definition: {}\n",
            "lab/b.yaml",
            "definition: {}\n",
            "lab/c.yaml",
            "definition: {}\n");
    return h.start(options == null ? h.defaults(false) : options);
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
    if (h != null) {
      h.close();
    }
  }

  private Socket connect() throws IOException {
    URI url = URI.create(h.service.url());
    Socket s = new Socket(url.getHost(), url.getPort());
    sockets.add(s);
    return s;
  }

  @Test
  void slowOrSilentClientsDoNotStarveTheService() throws Exception {
    serve("latency_ms: 0", null);
    int threads = h.options.httpThreads();
    List<Socket> slow = new ArrayList<>();
    for (int i = 0; i < threads + 4; i++) {
      // a connection that says nothing, and a POST that declares 100 bytes and sends 1
      connect();
      Socket post = connect();
      OutputStream out = post.getOutputStream();
      out.write(
          ("POST /v1/plan HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      slow.add(post);
    }
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<String> health =
        client.send(
            HttpRequest.newBuilder(URI.create(h.service.url() + "/healthz"))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, health.statusCode(), health.body());
    assertEquals(200, h.get("/v1/tree").status());

    // a connection whose request stops arriving is closed after the time limit
    long limit = HttpFront.REQUEST_SECONDS;
    Socket post = slow.get(0);
    post.setSoTimeout((int) TimeUnit.SECONDS.toMillis(limit + 10));
    InputStream in = post.getInputStream();
    long before = System.nanoTime();
    try {
      while (in.read() >= 0) {
        // whatever is answered, the connection must end
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("a request that never arrived whole was not closed in time", e);
    } catch (IOException e) {
      // reset by the server: closed as well
    }
    assertTrue(System.nanoTime() - before < TimeUnit.SECONDS.toNanos(limit + 10));
  }

  @Test
  void controlCharactersInARequestAreEscapedInTheLog() {
    serve("latency_ms: 0", null);
    Response r = h.get("/v1/descriptors/x%0a2026-01-01T00:00:00Z%20127.0.0.1%20ops%20forged%00end");
    assertEquals(404, r.status(), r.body());
    String log = h.logWith("forged");
    assertFalse(log.contains("\n2026-01-01T00:00:00Z 127.0.0.1 ops forged"), log);
    assertFalse(log.contains("\0"), "a NUL byte is in the log");
    assertTrue(
        log.contains(
            "/v1/descriptors/x\\n2026-01-01T00:00:00Z 127.0.0.1 ops forged\\u0000end 404 "),
        log);
  }

  @Test
  void aWrongMethodNamesTheAllowedOnesAndATrailingSlashIsNoRoute() {
    serve("latency_ms: 0", null);
    Response post = h.post("/v1/tree", "");
    assertEquals(405, post.status());
    assertEquals("GET", post.header("Allow"));
    Response get = h.get("/v1/plan");
    assertEquals(405, get.status());
    assertEquals("POST", get.header("Allow"));

    assertEquals(200, h.get("/v1/descriptors/lab/a").status());
    Response slash = h.get("/v1/descriptors/lab/a/");
    assertEquals(404, slash.status(), slash.body());
    assertTrue(slash.body().contains("trailing slash"), slash.body());
    Response postSlash = h.post("/v1/descriptors/lab/a/stop/", "");
    assertEquals(404, postSlash.status(), postSlash.body());
    assertEquals(404, h.get("/v1/tree/").status());
  }

  @Test
  void aLongPollWaitingWhenTheServiceStopsIsAnswered() throws Exception {
    h =
        ServeHarness.of(
            dir,
            "_folder.yaml",
            ServeHarness.root("latency_ms: 400, max_parallel: 1"),
            "lab/a.yaml",
            "definition: {}\n",
            "lab/b.yaml",
            "definition: {}\n",
            "lab/c.yaml",
            "definition: {}\n");
    ServeOptions o = h.defaults(false);
    h.start(
        new ServeOptions(
            o.tree(),
            o.state(),
            o.listen(),
            null,
            null,
            null,
            1,
            4096,
            0,
            1,
            Duration.ofSeconds(1),
            o.httpThreads(),
            false));
    long plan = h.plan("{}", null);
    Object apply = h.post("/v1/apply", "{\"plan\": " + plan + "}").json().get("id");
    Object refresh = h.post("/v1/refresh", "").json().get("id");
    CompletableFuture<HttpResponse<String>> poll =
        HttpClient.newHttpClient()
            .sendAsync(
                HttpRequest.newBuilder(
                        URI.create(h.service.url() + "/v1/operations/" + refresh + "?wait=60s"))
                    .timeout(Duration.ofSeconds(60))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    Thread.sleep(300);
    assertFalse(poll.isDone(), "the refresh waits behind apply " + apply);
    h.service.stop();
    h.service = null;
    HttpResponse<String> answer = poll.get(30, TimeUnit.SECONDS);
    assertEquals(503, answer.statusCode(), answer.body());
    assertTrue(answer.body().contains("\"stopping\""), answer.body());
  }

  @Test
  void aClientThatExpectsToBeToldToContinueIsToldAtOnce() throws Exception {
    serve("latency_ms: 0", null);
    Socket s = connect();
    s.setSoTimeout(5_000);
    byte[] body = "{\"targets\": [\"/lab\"]}".getBytes(StandardCharsets.UTF_8);
    OutputStream out = s.getOutputStream();
    out.write(
        ("POST /v1/plan HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: "
                + body.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = s.getInputStream();
    long before = System.nanoTime();
    String interim = readLine(in);
    // curl gives up waiting after 1 s and sends the body anyway: that second would be lost
    assertEquals("HTTP/1.1 100 Continue", interim);
    assertTrue(System.nanoTime() - before < TimeUnit.MILLISECONDS.toNanos(900));
    assertEquals("", readLine(in));
    out.write(body);
    out.flush();
    assertEquals("HTTP/1.1 202 Accepted", readLine(in));
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  @Test
  void badNumbersAndBodiesGetAWholeClearMessage() {
    serve("latency_ms: 0", null);
    for (String plan : List.of("9223372036854775808", "-1", "1e3", "1.5")) {
      Response r = h.post("/v1/apply", "{\"plan\": " + plan + "}");
      assertEquals(400, r.status(), plan + ": " + r.body());
      assertEquals("bad_request", r.errorCode(), r.body());
    }
    assertFalse(h.log.toString().contains("Exception"), h.log.toString());

    Response trailing = h.post("/v1/apply", "{\"plan\": 38} trailing");
    assertEquals(400, trailing.status());
    String message = ServeHarness.map(trailing.json().get("error")).get("message").toString();
    assertFalse(message.endsWith("was expecting"), message);
    assertTrue(message.contains("'trailing'"), message);

    Response force = h.post("/v1/descriptors/lab/a/start", "{\"force\": true}");
    assertEquals(400, force.status());
    assertTrue(force.body().contains("this request takes no fields"), force.body());
  }

  @Test
  void aPortInUseIsAClearErrorNamingTheAddress() throws Exception {
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      h = ServeHarness.of(dir, "_folder.yaml", ServeHarness.root("latency_ms: 0"));
      ServeOptions o = h.defaults(false);
      ServeOptions same =
          new ServeOptions(
              o.tree(),
              o.state(),
              new java.net.InetSocketAddress(
                  java.net.InetAddress.getLoopbackAddress(), taken.getLocalPort()),
              null,
              null,
              null,
              10,
              4096,
              0,
              1,
              o.grace(),
              4,
              false);
      Service.CannotStart e =
          org.junit.jupiter.api.Assertions.assertThrows(
              Service.CannotStart.class, () -> h.start(same));
      assertTrue(
          e.getMessage().startsWith("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": "),
          e.getMessage());
      assertTrue(e.getMessage().contains("already in use"), e.getMessage());
      h.service = null;
    }
  }

  @Test
  void theReloadsAreACounter() {
    serve("latency_ms: 0", null);
    String metrics = h.get("/metrics").body();
    assertTrue(metrics.contains("# TYPE vmtree_tree_reloads_total counter\n"), metrics);
  }
}
