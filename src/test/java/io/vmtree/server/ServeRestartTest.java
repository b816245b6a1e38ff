package io.vmtree.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtree.server.ServeHarness.Response;
import io.vmtree.state.LocalStateBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A graceful stop: no new work, the running operation finishes, the waiting ones stay on disk, and
 * the next start runs them. The state lock is the service's while it runs.
 */
class ServeRestartTest {
  @TempDir Path dir;

  @Test
  void aStopFinishesTheRunningOperationAndTheNextStartRunsTheWaitingOnes() throws Exception {
    ServeHarness h =
        ServeHarness.of(
            dir,
            "_folder.yaml",
            ServeHarness.root("latency_ms: 150, max_parallel: 1"),
            "lab/a.yaml",
            "definition: {}\n",
            "lab/b.yaml",
            "definition: {}\n",
            "lab/c.yaml",
            "definition: {}\n");
    h.start(false);
    try {
      // the service holds the state lock: a CLI apply would be refused, naming it
      assertTrue(
          LocalStateBackend.of(h.state).lockHolder().orElseThrow().command().startsWith("serve"));
      long plan = h.plan("{}", null);
      Object apply = h.post("/v1/apply", "{\"plan\": " + plan + "}").json().get("id");
      Object refresh = h.post("/v1/refresh", "").json().get("id");
      assertEquals("pending", h.get("/v1/operations/" + refresh).json().get("status"));
      Thread stopper = new Thread(h.service::stop);
      stopper.start();
      for (int i = 0; i < 50 && !h.service.stopping(); i++) {
        Thread.sleep(20);
      }
      Response refused = h.post("/v1/refresh", "");
      assertEquals(503, refused.status(), refused.body());
      stopper.join(Duration.ofSeconds(60).toMillis());
      assertTrue(
          Files.exists(h.state.resolve("serve/queue/" + refresh + ".json")),
          "the waiting refresh is kept on disk");
      assertTrue(LocalStateBackend.of(h.state).lockHolder().isEmpty(), "the lock is released");
      h.service = null;

      h.start(false);
      assertEquals("succeeded", h.await(apply).get("status"));
      Map<String, Object> resumed = h.await(refresh);
      assertEquals("succeeded", resumed.get("status"), resumed.toString());
      assertTrue(h.log.toString().contains("resuming operation " + refresh), h.log.toString());
      assertEquals("deployed", h.get("/v1/descriptors/lab/c").json().get("status"));
      assertTrue(Files.notExists(h.state.resolve("serve/queue/" + refresh + ".json")));
    } finally {
      h.close();
    }
  }
}
