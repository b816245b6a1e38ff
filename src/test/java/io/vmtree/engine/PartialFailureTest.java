package io.vmtree.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtree.cli.CliRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §6 and §11: a failed operation skips only what depends on it; the state stays consistent
 * with the sim after every apply, failed or not; no VM is ever created twice; once the faults stop,
 * apply converges.
 */
class PartialFailureTest {
  /** Dependencies: a1..a3 on pg1; w2 on a1 (so on pg1 too); pg2, w1 and solo on nothing. */
  private static final Map<String, List<String>> DEPENDS_ON =
      Map.of(
          "/db/pg1", List.of(),
          "/db/pg2", List.of(),
          "/app/a1", List.of("/db/pg1"),
          "/app/a2", List.of("/db/pg1"),
          "/app/a3", List.of("/db/pg1"),
          "/web/w1", List.of(),
          "/web/w2", List.of("/app/a1"),
          "/solo", List.of());

  @TempDir Path dir;

  private EngineScenario tree(String simFields) {
    EngineScenario s = new EngineScenario(dir);
    s.write("_folder.yaml", EngineScenario.rootFolder(simFields));
    DEPENDS_ON.forEach(
        (path, deps) ->
            s.write(
                path.substring(1) + ".yaml",
                "definition: {}\n" + (deps.isEmpty() ? "" : "depends_on: " + deps + "\n")));
    return s;
  }

  @Test
  void aRejectedDeploySkipsItsDependentsTransitivelyAndTheOthersFinish() {
    EngineScenario s = tree("latency_ms: 0");
    s.write("db/pg1.yaml", "definition: {base_image: missing-image}\n");

    CliRun run = s.expect(1, "apply", "TREE", "--auto-approve");

    assertEquals("failed", s.op("deploy", "/db/pg1", 0).get("status"), run.out());
    for (String dependent : List.of("/app/a1", "/app/a2", "/app/a3", "/web/w2")) {
      Map<String, Object> op = s.op("deploy", dependent, 0);
      assertEquals("skipped", op.get("status"), () -> dependent + ": " + op);
    }
    for (String free : List.of("/db/pg2", "/web/w1", "/solo")) {
      assertEquals("succeeded", s.op("deploy", free, 0).get("status"), free);
    }
    assertEquals(Set.of("/db/pg2", "/web/w1", "/solo"), s.vmsByMarker("sim1").keySet());
    Map<String, Object> pg1 = s.stateDescriptor("/db/pg1");
    assertEquals("provisioned", pg1.get("status"));
    assertNotNull(pg1.get("last_error"), "the failure is on the descriptor");
    assertTrue(pg1.get("last_error").toString().contains("missing-image"), pg1::toString);
    s.assertConsistent("sim1");

    s.write("db/pg1.yaml", "definition: {}\n");
    s.apply();
    assertEquals(DEPENDS_ON.keySet(), s.vmsByMarker("sim1").keySet());
    assertEquals(null, s.stateDescriptor("/db/pg1").get("last_error"));
    s.expect(0, "plan", "TREE", "--detailed-exitcode");
    s.assertConsistent("sim1");
  }

  @Test
  void aRemovedVmWhoseUndeployFailsKeepsItsDescriptorAndSaysWhy() {
    EngineScenario s = tree("latency_ms: 0");
    s.apply();
    s.delete("solo.yaml");
    s.ok("sim", "down", "sim1");

    CliRun run = s.expect(1, "apply", "TREE", "--auto-approve", "--refresh=false");

    assertEquals("failed", s.op("undeploy", "/solo", 0).get("status"), run.out());
    Map<String, Object> deprovision = s.op("deprovision", "/solo", 0);
    assertEquals("skipped", deprovision.get("status"), deprovision::toString);
    assertEquals("skipped: undeploy /solo did not succeed", deprovision.get("error"));
    assertNotNull(s.stateDescriptor("/solo"), "the VM still exists, so its descriptor stays");

    s.ok("sim", "up", "sim1");
    s.apply();
    assertEquals(null, s.stateDescriptor("/solo"));
    assertTrue(!s.vmsByMarker("sim1").containsKey("/solo"));
    s.assertConsistent("sim1");
  }

  @Test
  void aFlakySimLeavesAConsistentStateAndConvergesOnceItHeals() {
    EngineScenario s = tree("latency_ms: 0, fail_rate: 0.3, seed: 7");
    round(s);
    for (int i = 0; i < 3; i++) {
      s.write("_folder.yaml", EngineScenario.rootFolder("latency_ms: 0, fail_rate: 0.8, seed: 7"));
      round(s);
    }

    s.write("_folder.yaml", EngineScenario.rootFolder("latency_ms: 0, fail_rate: 0, seed: 7"));
    s.apply();

    s.expect(0, "plan", "TREE", "--detailed-exitcode");
    s.assertConsistent("sim1");
    assertEquals(DEPENDS_ON.keySet(), s.vmsByMarker("sim1").keySet());
  }

  /** One apply, which may fail: afterwards the state must still agree with the sim. */
  private static void round(EngineScenario s) {
    long before = s.lastOpId();
    CliRun run = s.vmtree("apply", "TREE", "--auto-approve");
    List<Map<String, Object>> ops = s.ops(o -> ((Number) o.get("id")).longValue() > before);
    boolean failed = ops.stream().anyMatch(o -> "failed".equals(o.get("status")));
    String context = run.exitCode() + "\n" + run.out() + run.err() + "\n" + ops;
    assertTrue(run.exitCode() == 0 || run.exitCode() == 1, context);
    assertEquals(failed ? 1 : 0, run.exitCode(), context);
    for (Map<String, Object> op : ops) {
      assertTrue(
          Set.of("succeeded", "failed", "skipped").contains(op.get("status")),
          () -> "an operation left unfinished: " + op);
    }
    for (Map<String, Object> op : ops) {
      if (!"failed".equals(op.get("status")) || !"deploy".equals(op.get("type"))) {
        continue;
      }
      String target = ((List<?>) op.get("targets")).get(0).toString();
      for (String dependent : dependentsOf(target)) {
        ops.stream()
            .filter(o -> "deploy".equals(o.get("type")))
            .filter(o -> ((List<?>) o.get("targets")).contains(dependent))
            .forEach(
                o ->
                    assertEquals(
                        "skipped",
                        o.get("status"),
                        () -> dependent + " ran although " + target + " failed: " + context));
      }
    }
    s.assertConsistent(false, "sim1");
  }

  private static List<String> dependentsOf(String path) {
    List<String> found = new ArrayList<>();
    DEPENDS_ON.forEach(
        (dependent, deps) -> {
          if (deps.contains(path)) {
            found.add(dependent);
            found.addAll(dependentsOf(dependent));
          }
        });
    return found;
  }
}
