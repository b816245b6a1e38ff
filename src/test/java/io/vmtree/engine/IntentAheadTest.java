package io.vmtree.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * While the calls of an apply run, the VMs after the next ones in line are provisioned and their
 * intents written (apply.PreparedChains): seen in the journal's times; the state ends as if each
 * step had run alone, and an intent written for a call that was never made is resolved by looking.
 */
class IntentAheadTest {
  @TempDir Path dir;

  @Test
  void aVmTwoTurnsAheadIsMadeReadyWhileTheCurrentCallRuns() {
    EngineScenario s =
        new EngineScenario(dir)
            .write(
                "_folder.yaml", EngineScenario.rootFolder("latency_ms: 40"),
                "a.yaml", "definition: {}\n",
                "b.yaml", "definition: {}\n",
                "c.yaml", "definition: {}\n",
                "d.yaml", "definition: {}\n",
                "e.yaml", "definition: {}\n");

    s.apply("--parallelism", "1");

    // one slot: a runs first; once it ended, b runs, c is next, and d (two turns ahead) is made
    // ready while b's create takes 40 ms
    assertTrue(
        finished(s.op("provision", "/d", 0)).isBefore(finished(s.op("deploy", "/b", 0))),
        "d was not provisioned ahead, while b's call ran");
    // the calls themselves still ran one at a time, in order
    for (List<String> pair :
        List.of(
            List.of("/a", "/b"), List.of("/b", "/c"), List.of("/c", "/d"), List.of("/d", "/e"))) {
      assertFalse(
          started(s.op("deploy", pair.get(1), 0))
              .isBefore(finished(s.op("deploy", pair.get(0), 0))),
          pair::toString);
    }
    for (String vm : List.of("/a", "/b", "/c", "/d", "/e")) {
      assertEquals("deployed", s.stateDescriptor(vm).get("status"), vm);
      assertNull(s.stateDescriptor(vm).get("pending"), vm);
    }
    s.assertConsistent("sim1");
    s.expect(0, "plan", "TREE", "--detailed-exitcode");
  }

  /**
   * Killed after the intent of a VM's deploy was written ahead and before its turn came, the state
   * holds the VM provisioned with its intent pending, and the journal has no line of that deploy.
   */
  @Test
  void anIntentWrittenAheadOfACallNeverMadeIsResolvedAndDeployed() throws Exception {
    EngineScenario s =
        new EngineScenario(dir)
            .write(
                "_folder.yaml",
                EngineScenario.rootFolder("latency_ms: 0"),
                "app/web1.yaml",
                "definition: {}\n");
    s.apply();
    Path file = s.state().resolve("descriptors/app/web1.json");
    Map<String, Object> deployed = EngineScenario.json(Files.readString(file));
    s.ok("sim", "rm", "sim1", deployed.get("vm_id").toString());
    Map<String, Object> killed = new LinkedHashMap<>(deployed);
    killed.put("status", "provisioned");
    killed.put("vm_id", null);
    killed.put("hypervisor", null);
    killed.put("deployed_config", null);
    Map<String, Object> pending = new LinkedHashMap<>();
    pending.put("id", s.lastOpId() + 1);
    pending.put("type", "deploy");
    pending.put("started", "2026-01-01T00:00:00Z");
    pending.put("finished", null);
    pending.put("outcome", "running");
    pending.put("result", Map.of("config", deployed.get("deployed_config")));
    killed.put("pending", pending);
    Files.writeString(file, JsonMapper.builder().build().writeValueAsString(killed));

    s.apply();

    assertEquals("deployed", s.stateDescriptor("/app/web1").get("status"));
    assertNull(s.stateDescriptor("/app/web1").get("pending"));
    assertEquals(1, s.vms("sim1").size());
    s.assertConsistent("sim1");
    s.expect(0, "plan", "TREE", "--detailed-exitcode");
  }

  private static Instant started(Map<String, Object> op) {
    return Instant.parse(op.get("started").toString());
  }

  private static Instant finished(Map<String, Object> op) {
    return Instant.parse(op.get("finished").toString());
  }
}
