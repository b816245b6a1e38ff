package io.vmtree.server;

import static io.vmtree.server.ServeHarness.list;
import static io.vmtree.server.ServeHarness.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtree.server.ServeHarness.Response;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every endpoint of {@code vmtree serve}, over real HTTP on loopback, without tokens. */
class ServeApiTest {
  @TempDir Path dir;
  private ServeHarness h;

  private ServeHarness serve(String simFields) {
    h =
        ServeHarness.of(
                dir,
                "_folder.yaml",
                ServeHarness.root(simFields),
                "lab/web1.yaml",
                "definition:\n  vcpu: 4\n",
                "lab/web2.yaml",
                "definition:\n  use_hypervisor: sim2\n",
                "prod/db1.yaml",
                "definition:\n  memory: 4GiB\n")
            .start(false);
    return h;
  }

  @AfterEach
  void stop() {
    if (h != null) {
      h.close();
    }
  }

  @Test
  void readsAnswerFromTheTreeAndTheState() {
    serve("latency_ms: 0");
    Response health = h.get("/healthz");
    assertEquals(200, health.status());
    assertEquals("ok", health.json().get("status"));

    Response tree = h.get("/v1/tree");
    assertEquals(200, tree.status(), tree.body());
    Map<String, Object> root = map(tree.json().get("tree"));
    List<Map<String, Object>> folders = list(root.get("folders"));
    assertEquals(List.of("/lab", "/prod"), folders.stream().map(f -> f.get("full_name")).toList());
    Map<String, Object> web1 = list(folders.get(0).get("descriptors")).get(0);
    assertEquals("/lab/web1", web1.get("full_name"));
    assertEquals("provisioned", web1.get("status"));

    Response sub = h.get("/v1/tree?path=/prod");
    assertEquals("/prod", map(sub.json().get("tree")).get("full_name"));
    assertEquals(404, h.get("/v1/tree?path=/nowhere").status());

    Response d = h.get("/v1/descriptors/lab/web1");
    assertEquals(200, d.status(), d.body());
    Map<String, Object> json = d.json();
    assertEquals(4, map(json.get("computed_definition")).get("vcpu"));
    assertEquals("lab/web1.yaml:2", map(json.get("origins")).get("vcpu"));
    assertEquals("provisioned", json.get("status"));
    assertEquals(null, json.get("last_operation"));

    Response missing = h.get("/v1/descriptors/lab/nothing");
    assertEquals(404, missing.status());
    assertEquals("not_found", missing.errorCode());
    Response folder = h.get("/v1/descriptors/lab");
    assertTrue(folder.body().contains("is a folder"), folder.body());

    Response openapi = h.get("/v1/openapi.json");
    assertEquals(200, openapi.status());
    assertEquals("3.0.3", openapi.json().get("openapi"));
    assertEquals(200, h.get("/v1/operations").status());
  }

  @Test
  void planThenApplyRunsAsyncToCompletion() {
    serve("latency_ms: 5");
    Response planned = h.post("/v1/plan", "{\"targets\": [\"/lab\"]}");
    assertEquals(202, planned.status(), planned.body());
    Object id = planned.json().get("id");
    assertEquals("pending", planned.json().get("status"));
    assertEquals("/v1/operations/" + id, planned.header("Location"));

    Map<String, Object> plan = h.await(id);
    assertEquals("succeeded", plan.get("status"), plan.toString());
    assertEquals(2, map(map(plan.get("result")).get("summary")).get("deploy"));

    Response saved = h.get("/v1/plans/" + id);
    assertEquals(200, saved.status(), saved.body());
    List<String> actions =
        list(saved.json().get("changes")).stream()
            .map(c -> c.get("action") + " " + c.get("full_name"))
            .toList();
    assertTrue(actions.contains("deploy /lab/web1"), actions.toString());
    assertFalse(actions.stream().anyMatch(a -> a.contains("/prod")), actions.toString());

    Response applied = h.post("/v1/apply", "{\"plan\": " + id + "}");
    assertEquals(202, applied.status(), applied.body());
    Map<String, Object> apply = h.await(applied.json().get("id"));
    assertEquals("succeeded", apply.get("status"), apply.toString());
    assertEquals(0, map(map(apply.get("result")).get("operations")).get("failed"));

    Map<String, Object> web1 = h.get("/v1/descriptors/lab/web1").json();
    assertEquals("deployed", web1.get("status"));
    assertNotNull(web1.get("vm_id"));
    assertEquals("deploy", map(web1.get("last_operation")).get("type"));
    assertEquals("provisioned", h.get("/v1/descriptors/prod/db1").json().get("status"));

    // the steps are operations of their own, in the journal and in the list
    List<Map<String, Object>> ops =
        list(h.get("/v1/operations?limit=1000").json().get("operations"));
    assertTrue(
        ops.stream()
            .anyMatch(
                o ->
                    o.get("type").equals("deploy")
                        && o.get("targets").equals(List.of("/lab/web1"))),
        ops.toString());
    List<Map<String, Object>> failed =
        list(h.get("/v1/operations?status=failed").json().get("operations"));
    assertEquals(List.of(), failed);

    // the same plan again: the state moved on, so it is refused as stale (SPEC 10)
    Response stale = h.post("/v1/apply", "{\"plan\": " + id + "}");
    assertEquals(409, stale.status(), stale.body());
    assertEquals("stale_plan", stale.errorCode());
    assertTrue(stale.body().contains("plan serial"), stale.body());
  }

  @Test
  void startStopRestartAndRefresh() {
    serve("latency_ms: 0");
    assertEquals("succeeded", h.planAndApply("{}", null).get("status"));
    Response stop = h.post("/v1/descriptors/lab/web1/stop", "");
    assertEquals(202, stop.status(), stop.body());
    Map<String, Object> stopped = h.await(stop.json().get("id"));
    assertEquals("succeeded", stopped.get("status"), stopped.toString());
    assertEquals("off", map(stopped.get("result")).get("power"));
    Map<String, Object> web1 = h.get("/v1/descriptors/lab/web1").json();
    assertEquals("stop", map(web1.get("last_operation")).get("type"));

    Map<String, Object> started =
        h.await(h.post("/v1/descriptors/lab/web1/start", "").json().get("id"));
    assertEquals("on", map(started.get("result")).get("power"));
    Map<String, Object> restarted =
        h.await(h.post("/v1/descriptors/lab/web1/restart", "").json().get("id"));
    assertEquals("succeeded", restarted.get("status"), restarted.toString());

    // journaled under the request's own id
    Response fromJournal = h.get("/v1/operations?limit=3");
    assertTrue(fromJournal.body().contains("\"restart\""), fromJournal.body());

    assertEquals(404, h.post("/v1/descriptors/lab/nothing/start", "").status());

    Map<String, Object> refresh = h.await(h.post("/v1/refresh", "").json().get("id"));
    assertEquals("succeeded", refresh.get("status"), refresh.toString());
    assertEquals(Map.of(), map(refresh.get("result")).get("changed"));
  }

  @Test
  void applyingAPlanThatDoesNotExistOrFailedIsRefused() {
    serve("latency_ms: 0");
    assertEquals(404, h.post("/v1/apply", "{\"plan\": 999}").status());
    Response r = h.post("/v1/refresh", "");
    Object refresh = r.json().get("id");
    h.await(refresh);
    Response notAPlan = h.post("/v1/apply", "{\"plan\": " + refresh + "}");
    assertEquals(404, notAPlan.status());
    assertTrue(notAPlan.body().contains("not a plan"), notAPlan.body());
  }

  @Test
  void malformedInputGetsAClearJsonError() {
    serve("latency_ms: 0");
    Response bad = h.post("/v1/plan", "{\"targets\": [");
    assertEquals(400, bad.status());
    assertEquals("malformed_json", bad.errorCode());
    assertTrue(bad.body().contains("line 1, column"), bad.body());

    Response unknown = h.post("/v1/plan", "{\"target\": [\"/lab\"]}");
    assertEquals(400, unknown.status());
    assertTrue(unknown.body().contains("unknown field \\\"target\\\""), unknown.body());

    Response type = h.post("/v1/plan", "{\"refresh\": \"yes\"}");
    assertEquals(400, type.status());
    assertTrue(type.body().contains("true or false"), type.body());

    assertEquals(400, h.post("/v1/plan", "[1, 2]").status());
    assertEquals(400, h.post("/v1/plan", "{\"targets\": [\"lab\"]}").status());
    assertEquals(400, h.post("/v1/apply", "{\"plan\": \"one\"}").status());
    assertEquals(400, h.post("/v1/apply", "{}").status());
    assertEquals(400, h.get("/v1/operations/abc").status());
    assertEquals(400, h.get("/v1/operations?status=done").status());
    assertEquals(400, h.get("/v1/operations?limit=0").status());
    assertEquals(400, h.get("/v1/operations/1?wait=forever").status());

    Response huge = h.post("/v1/plan", "{\"targets\": [\"" + "/lab".repeat(5000) + "\"]}");
    assertEquals(413, huge.status(), huge.body());
    assertEquals("too_large", huge.errorCode());
    // the same body sent in chunks (no Content-Length): cut when it passes the limit
    byte[] chunked =
        ("{\"targets\": [\"" + "/lab".repeat(5000) + "\"]}")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Response hugeChunks =
        h.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(h.service.url() + "/v1/plan"))
                .POST(
                    java.net.http.HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(chunked)))
                .build());
    assertEquals(413, hugeChunks.status(), hugeChunks.body());
    assertEquals("too_large", hugeChunks.errorCode());

    assertEquals(404, h.get("/v2/tree").status());
    Response method = h.post("/v1/tree", "");
    assertEquals(405, method.status());
    // the service still works after all of that
    assertEquals(200, h.get("/healthz").status());
  }

  @Test
  void aLongPollAnswersWhenTheOperationEnds() {
    serve("latency_ms: 300, max_parallel: 1");
    long plan = h.plan("{\"targets\": [\"/lab/web1\"]}", null);
    Object id = h.post("/v1/apply", "{\"plan\": " + plan + "}").json().get("id");
    Instant before = Instant.now();
    Response quick = h.get("/v1/operations/" + id + "?wait=100ms");
    assertTrue(List.of("pending", "running").contains(quick.json().get("status")), quick.body());
    Response waited = h.get("/v1/operations/" + id + "?wait=30s");
    assertEquals("succeeded", waited.json().get("status"), waited.body());
    assertTrue(Instant.now().isBefore(before.plusSeconds(25)));
  }

  @Test
  void twoAppliesOnOverlappingSubtreesRunOneAfterTheOther() {
    serve("latency_ms: 150, max_parallel: 2");
    long wide = h.plan("{\"targets\": [\"/lab\"]}", null);
    long narrow = h.plan("{\"targets\": [\"/lab/web1\"]}", null);
    Object first = h.post("/v1/apply", "{\"plan\": " + wide + "}").json().get("id");
    Object second = h.post("/v1/apply", "{\"plan\": " + narrow + "}").json().get("id");
    // while the first runs, its descriptors say so and the second waits
    Map<String, Object> web1 = h.get("/v1/descriptors/lab/web1").json();
    List<Map<String, Object>> busy = list(web1.get("operations_in_progress"));
    assertEquals(
        List.of(((Number) first).longValue(), ((Number) second).longValue()),
        busy.stream().map(b -> ((Number) b.get("id")).longValue()).toList(),
        web1.toString());
    assertEquals("pending", h.get("/v1/operations/" + second).json().get("status"));
    Map<String, Object> a = h.await(first);
    Map<String, Object> b = h.await(second);
    assertEquals("succeeded", a.get("status"), a.toString());
    assertFalse(
        Instant.parse((String) b.get("started"))
            .isBefore(Instant.parse((String) a.get("finished"))),
        "the second apply started before the first finished: " + a + " / " + b);
    // the second plan was made before the first apply changed the state: refused when its turn
    // came, never run against a state it was not made for
    assertEquals("failed", b.get("status"));
    assertTrue(((String) b.get("error")).contains("stale"), b.toString());
  }

  @Test
  void requestsOnOneDescriptorAreQueuedInOrder() {
    serve("latency_ms: 200");
    assertEquals("succeeded", h.planAndApply("{\"targets\": [\"/lab/web1\"]}", null).get("status"));
    Object stop = h.post("/v1/descriptors/lab/web1/stop", "").json().get("id");
    Object start = h.post("/v1/descriptors/lab/web1/start", "").json().get("id");
    Map<String, Object> a = h.await(stop);
    Map<String, Object> b = h.await(start);
    assertFalse(
        Instant.parse((String) b.get("started"))
            .isBefore(Instant.parse((String) a.get("finished"))));
    assertEquals("on", map(b.get("result")).get("power"));
  }

  @Test
  void metricsCountOperationsAndHypervisorCalls() {
    serve("latency_ms: 0");
    h.planAndApply("{}", null);
    Response metrics = h.get("/metrics");
    assertEquals(200, metrics.status());
    assertTrue(
        metrics.header("Content-Type").startsWith("text/plain"), metrics.header("Content-Type"));
    String text = metrics.body();
    assertTrue(
        text.contains("vmtree_operations_total{type=\"deploy\",status=\"succeeded\"} 3"), text);
    assertTrue(
        text.contains("vmtree_operations_total{type=\"apply\",status=\"succeeded\"} 1"), text);
    assertTrue(text.contains("vmtree_operation_duration_seconds_count{type=\"plan\"} 1"), text);
    assertTrue(
        text.matches("(?s).*vmtree_hypervisor_calls_total\\{hypervisor=\"sim1\"} [1-9].*"), text);
    assertTrue(
        text.contains("vmtree_http_requests_total{route=\"/v1/plan\",code=\"202\"} 1"), text);
    assertTrue(text.contains("vmtree_state_descriptors 3"), text);
  }

  @Test
  void reloadReadsTheTreeAgainAndABrokenTreeKeepsTheLastGoodOne() {
    serve("latency_ms: 0");
    ServeHarness.write(h.tree.resolve("lab/web3.yaml"), "definition:\n  vcpu: 1\n");
    Response reload = h.post("/v1/reload", "");
    assertEquals(200, reload.status(), reload.body());
    assertEquals(4, reload.json().get("descriptors"));
    assertEquals(200, h.get("/v1/descriptors/lab/web3").status());

    ServeHarness.write(h.tree.resolve("lab/web4.yaml"), "definition:\n  vcpu: many\n");
    Response broken = h.post("/v1/reload", "");
    assertFalse(list(broken.json().get("errors")).isEmpty(), broken.body());
    Map<String, Object> tree = h.get("/v1/tree").json();
    assertTrue(tree.get("errors").toString().contains("lab/web4.yaml:2:3"), tree.toString());
    assertEquals(200, h.get("/v1/descriptors/lab/web3").status());
  }

  @Test
  void theTreeIsReadAgainWhenAFileChanges() throws Exception {
    h =
        ServeHarness.of(
            dir,
            "_folder.yaml",
            ServeHarness.root("latency_ms: 0"),
            "lab/a.yaml",
            "definition: {}\n");
    ServeOptions o = h.defaults(false);
    h.start(
        new ServeOptions(
            o.tree(), o.state(), o.listen(), null, null, null, 10, 4096, 0, 1, o.grace(), 4, true));
    ServeHarness.write(h.tree.resolve("lab/b.yaml"), "definition: {}\n");
    for (int i = 0; i < 100 && h.get("/v1/descriptors/lab/b").status() != 200; i++) {
      Thread.sleep(100);
    }
    assertEquals(200, h.get("/v1/descriptors/lab/b").status());
  }
}
