package io.vmtree.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * Crash windows too narrow to hit with a real kill (no hypervisor call inside them), rebuilt on
 * disk exactly as a process killed there leaves them, then handed to the next apply.
 */
class CrashWindowTest {
  @TempDir Path dir;

  /**
   * A move saves the descriptor under its new path, then forgets the old one (StepRunner.relocate);
   * killed in between, the state holds both: the old one still marked pending (from before the
   * hypervisor call), the new one deployed, both with the same vm_id. The VM must survive.
   */
  @Test
  void aMoveKilledBetweenSavingTheNewPathAndForgettingTheOldKeepsTheVm() throws Exception {
    EngineScenario s =
        new EngineScenario(dir)
            .write(
                "_folder.yaml",
                EngineScenario.rootFolder("latency_ms: 0"),
                "app/web1.yaml",
                "definition: {}\n");
    s.apply();
    Path oldFile = s.state().resolve("descriptors/app/web1.json");
    Map<String, Object> before = EngineScenario.json(Files.readString(oldFile));
    String id = before.get("vm_id").toString();
    s.rename("app/web1.yaml", "app/front1.yaml");
    s.write("app/_folder.yaml", "moved:\n  - {from: web1, to: front1}\n");
    s.apply();
    long move = ((Number) s.op("move", "/app/front1", 0).get("id")).longValue();
    Map<String, Object> pending = new LinkedHashMap<>();
    pending.put("id", move);
    pending.put("type", "move");
    pending.put("started", "2026-01-01T00:00:00Z");
    pending.put("finished", null);
    pending.put("outcome", "running");
    pending.put("result", Map.of("config", before.get("deployed_config")));
    before.put("pending", pending);
    Files.writeString(oldFile, JsonMapper.builder().build().writeValueAsString(before));

    s.vmtree("apply", "TREE", "--auto-approve");

    assertNotNull(s.vm("sim1", id), "the moved VM must survive the recovery");
    assertNull(s.stateDescriptor("/app/web1"));
    assertEquals(id, s.stateDescriptor("/app/front1").get("vm_id"));
    s.assertConsistent("sim1");
    s.expect(0, "plan", "TREE", "--detailed-exitcode");
  }
}
