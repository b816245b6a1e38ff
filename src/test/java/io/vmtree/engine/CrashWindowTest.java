package io.vmtree.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
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
    EngineScenario s = webOneDeployed();
    Path oldFile = s.state().resolve("descriptors/app/web1.json");
    Map<String, Object> before = EngineScenario.json(Files.readString(oldFile));
    String id = before.get("vm_id").toString();
    s.rename("app/web1.yaml", "app/front1.yaml");
    s.write("app/_folder.yaml", "moved:\n  - {from: web1, to: front1}\n");
    s.apply();
    long move = ((Number) s.op("move", "/app/front1", 0).get("id")).longValue();
    before.put("pending", pending(move, "move", before.get("deployed_config")));
    Files.writeString(oldFile, JsonMapper.builder().build().writeValueAsString(before));

    s.vmtree("apply", "TREE", "--auto-approve");

    assertNotNull(s.vm("sim1", id), "the moved VM must survive the recovery");
    assertNull(s.stateDescriptor("/app/web1"));
    assertEquals(id, s.stateDescriptor("/app/front1").get("vm_id"));
    s.assertConsistent("sim1");
    s.expect(0, "plan", "TREE", "--detailed-exitcode");
  }

  /**
   * A deploy killed after the hypervisor created the VM and before its outcome was saved leaves the
   * descriptor provisioned with its intent pending. The read-only plan must show what apply's
   * recovery will make of it (the VM adopted: nothing to do), and a plan saved then must apply.
   */
  @Test
  void aDeployKilledAfterTheCreateIsPlannedAsRecoveryResolvesIt() throws Exception {
    EngineScenario s = webOneDeployed();
    Path file = s.state().resolve("descriptors/app/web1.json");
    Map<String, Object> deployed = EngineScenario.json(Files.readString(file));
    String id = deployed.get("vm_id").toString();
    long deploy = ((Number) s.op("deploy", "/app/web1", 0).get("id")).longValue();
    Files.writeString(file, beforeItsOutcome(deployed, deploy));

    assertEquals(List.of(), EngineScenario.actions(s.plan()), "the VM is adopted, not redeployed");
    String saved = dir.resolve("after-crash.plan").toString();
    s.ok("plan", "TREE", "--out", saved);
    s.ok("apply", saved);

    assertEquals("deployed", s.stateDescriptor("/app/web1").get("status"));
    assertEquals(id, s.stateDescriptor("/app/web1").get("vm_id"));
    assertEquals(1, s.vms("sim1").size());
    s.assertConsistent("sim1");
    s.expect(0, "plan", "TREE", "--detailed-exitcode");
  }

  /**
   * Killed after the intent of a VM's deploy was written ahead of its turn (IntentAheadTest) and
   * before the turn came: the state holds the VM provisioned with its intent pending, no VM exists,
   * and the journal has no line of that deploy. The next apply resolves it by looking and deploys.
   */
  @Test
  void anIntentWrittenAheadOfACallNeverMadeIsResolvedAndDeployed() throws Exception {
    EngineScenario s = webOneDeployed();
    Path file = s.state().resolve("descriptors/app/web1.json");
    Map<String, Object> deployed = EngineScenario.json(Files.readString(file));
    s.ok("sim", "rm", "sim1", deployed.get("vm_id").toString());
    Files.writeString(file, beforeItsOutcome(deployed, s.lastOpId() + 1));

    s.apply();

    assertEquals("deployed", s.stateDescriptor("/app/web1").get("status"));
    assertNull(s.stateDescriptor("/app/web1").get("pending"));
    assertEquals(1, s.vms("sim1").size());
    s.assertConsistent("sim1");
    s.expect(0, "plan", "TREE", "--detailed-exitcode");
  }

  /** {@return /app/web1 deployed on sim1} */
  private EngineScenario webOneDeployed() {
    EngineScenario s =
        new EngineScenario(dir)
            .write(
                "_folder.yaml",
                EngineScenario.rootFolder("latency_ms: 0"),
                "app/web1.yaml",
                "definition: {}\n");
    s.apply();
    return s;
  }

  /**
   * {@return the file of a descriptor {@code deployed} by operation {@code deploy}, as it was
   * between the deploy's intent and its outcome: provisioned, the intent pending}
   */
  private static String beforeItsOutcome(Map<String, Object> deployed, long deploy) {
    Map<String, Object> killed = new LinkedHashMap<>(deployed);
    killed.put("status", "provisioned");
    killed.put("vm_id", null);
    killed.put("hypervisor", null);
    killed.put("deployed_config", null);
    killed.put("pending", pending(deploy, "deploy", deployed.get("deployed_config")));
    return JsonMapper.builder().build().writeValueAsString(killed);
  }

  /** {@return a descriptor's pending mark as a step writes it before calling the hypervisor} */
  private static Map<String, Object> pending(long id, String type, Object config) {
    Map<String, Object> pending = new LinkedHashMap<>();
    pending.put("id", id);
    pending.put("type", type);
    pending.put("started", "2026-01-01T00:00:00Z");
    pending.put("finished", null);
    pending.put("outcome", "running");
    pending.put("result", Map.of("config", config));
    return pending;
  }
}
