package io.vmtree.engine;

import static io.vmtree.engine.EngineScenario.actions;
import static io.vmtree.engine.EngineScenario.changes;
import static io.vmtree.engine.EngineScenario.reasons;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtree.cli.CliRun;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC §4: apply converges, and the plan JSON has the stable shape of SPEC §4 and §11. */
class ConvergeTest {
  private static final List<String> COUNTED =
      List.of("provision", "deploy", "update", "replace", "move", "undeploy", "deprovision");

  @TempDir Path dir;

  private EngineScenario lab() {
    return new EngineScenario(dir)
        .write(
            "_folder.yaml", EngineScenario.rootFolder("latency_ms: 1"),
            "web/_folder.yaml", "definition:\n  tags: {role: web}\n",
            "web/web1.yaml", "definition:\n  vcpu: 4\n",
            "web/web2.yaml", "definition:\n  use_hypervisor: sim2\n",
            "db/pg1.yaml", "definition:\n  memory: 4GiB\n",
            "parked.yaml", "definition: {}\ntarget: provisioned\n");
  }

  @Test
  void planJsonOfANewTreeHasTheShapeOfSpec4() {
    EngineScenario s = lab();

    Map<String, Object> plan = s.plan();

    assertEquals("1", plan.get("format_version"));
    assertEquals(
        List.of(
            "create_folder /db",
            "create_folder /web",
            "provision /db/pg1",
            "deploy /db/pg1",
            "provision /parked",
            "provision /web/web1",
            "deploy /web/web1",
            "provision /web/web2",
            "deploy /web/web2"),
        actions(plan));
    for (Map<String, Object> change : changes(plan)) {
      assertTrue(
          change.keySet().containsAll(Set.of("full_name", "action", "reasons")), change::toString);
      assertTrue(!reasons(change).isEmpty(), () -> "a change without reasons: " + change);
      for (Map<String, Object> reason : reasons(change)) {
        assertTrue(
            reason.keySet().containsAll(Set.of("field", "before", "after", "origin")),
            () -> "reason " + reason + " of " + change);
      }
    }
    Map<String, Object> deploy = EngineScenario.change(plan, "deploy", "/web/web1");
    assertEquals("web/web1.yaml:1", reasons(deploy).get(0).get("origin"));
    @SuppressWarnings("unchecked")
    Map<String, Object> summary = (Map<String, Object>) plan.get("summary");
    assertEquals(COUNTED, List.copyOf(summary.keySet()), "summary keys, in SPEC order");
    assertEquals(
        Map.of(
            "provision",
            4,
            "deploy",
            3,
            "update",
            0,
            "replace",
            0,
            "move",
            0,
            "undeploy",
            0,
            "deprovision",
            0),
        summary);
    assertEquals(List.of(), plan.get("drift"));
  }

  @Test
  void applyConvergesAndTheNextPlanHasNoChanges() {
    EngineScenario s = lab();
    s.expect(2, "plan", "TREE", "--detailed-exitcode");

    CliRun apply = s.apply();

    assertTrue(apply.out().contains("0 failed"), apply.out());
    CliRun again = s.expect(0, "plan", "TREE", "--detailed-exitcode");
    assertTrue(again.out().contains("No changes"), again.out());
    Map<String, Object> plan = s.plan();
    assertEquals(List.of(), changes(plan));
    @SuppressWarnings("unchecked")
    Map<String, Object> summary = (Map<String, Object>) plan.get("summary");
    assertTrue(summary.values().stream().allMatch(n -> ((Number) n).intValue() == 0), "" + plan);
    assertEquals(List.of(), plan.get("drift"));
    s.assertConsistent("sim1", "sim2");
    assertEquals(Set.of("/db/pg1", "/web/web1"), s.vmsByMarker("sim1").keySet());
    assertEquals(Set.of("/web/web2"), s.vmsByMarker("sim2").keySet());
    Map<String, Object> web1 = s.vmsByMarker("sim1").get("/web/web1");
    assertEquals(4, web1.get("vcpu"));
    assertEquals("2GiB", web1.get("memory"));
    assertEquals("/web", web1.get("folder"));
    assertEquals(Map.of("role", "web"), web1.get("tags"));
    assertEquals("4GiB", s.vmsByMarker("sim1").get("/db/pg1").get("memory"));
    assertEquals("provisioned", s.stateDescriptor("/parked").get("status"));
    CliRun second = s.apply();
    assertTrue(second.out().contains("Nothing to do"), second.out());
  }

  @Test
  void everyOperationOfAnApplyIsJournaledAsSucceeded() {
    EngineScenario s = lab();
    s.apply();

    List<Map<String, Object>> ops = s.ops();

    assertEquals(9, ops.size(), ops::toString);
    long previous = 0;
    for (Map<String, Object> op : ops) {
      long id = ((Number) op.get("id")).longValue();
      assertTrue(id > previous, "ids increase: " + ops);
      previous = id;
      assertEquals("succeeded", op.get("status"), op::toString);
      for (String time : List.of("submitted", "started", "finished")) {
        assertTrue(op.get(time) instanceof String, () -> time + " of " + op);
      }
    }
    Map<String, Object> deploy = s.op("deploy", "/web/web2", 0);
    @SuppressWarnings("unchecked")
    Map<String, Object> result = (Map<String, Object>) deploy.get("result");
    assertEquals(s.vmsByMarker("sim2").get("/web/web2").get("id"), result.get("vm_id"));
  }
}
