package io.vmtree.engine;

import static io.vmtree.engine.EngineScenario.actions;
import static io.vmtree.engine.EngineScenario.change;
import static io.vmtree.engine.EngineScenario.reasons;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtree.cli.CliRun;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC §4 {@code --target PATH} and {@code --replace PATH}; §11: targets pull in dependencies. */
class TargetReplaceTest {
  @TempDir Path dir;

  private EngineScenario tree() {
    return new EngineScenario(dir)
        .write(
            "_folder.yaml", EngineScenario.rootFolder("latency_ms: 0"),
            "a/x.yaml", "definition: {}\ndepends_on: [/b/z]\n",
            "a/y.yaml", "definition: {}\n",
            "b/z.yaml", "definition: {}\n",
            "b/other.yaml", "definition: {}\n",
            "c/w.yaml", "definition: {}\n");
  }

  @Test
  void aFolderTargetIsItsSubtreePlusWhatItDependsOn() {
    EngineScenario s = tree();

    Map<String, Object> plan = s.plan("--target", "/a");

    assertEquals(
        List.of(
            "create_folder /a",
            "create_folder /b",
            "provision /a/x",
            "deploy /a/x",
            "provision /a/y",
            "deploy /a/y",
            "provision /b/z",
            "deploy /b/z"),
        actions(plan));
    s.apply("--target", "/a");
    assertEquals(Set.of("/a/x", "/a/y", "/b/z"), s.vmsByMarker("sim1").keySet());
    assertEquals(
        List.of(
            "create_folder /c",
            "provision /b/other",
            "deploy /b/other",
            "provision /c/w",
            "deploy /c/w"),
        actions(s.plan()));
    s.assertConsistent("sim1");
  }

  @Test
  void aDescriptorTargetIsOnlyThatDescriptorAndItsFolder() {
    EngineScenario s = tree();

    assertEquals(
        List.of("create_folder /c", "provision /c/w", "deploy /c/w"),
        actions(s.plan("--target", "/c/w")));
    assertEquals(
        List.of("create_folder /b", "provision /b/z", "deploy /b/z"),
        actions(s.plan("--target", "/b/z")));
    s.apply("--target", "/c/w", "--target", "/b/z");
    assertEquals(Set.of("/b/z", "/c/w"), s.vmsByMarker("sim1").keySet());
  }

  @Test
  void aTargetAlsoLimitsRemovals() {
    EngineScenario s = tree();
    s.apply();
    s.delete("a/y.yaml").delete("c/w.yaml").delete("c");

    assertEquals(List.of("undeploy /a/y", "deprovision /a/y"), actions(s.plan("--target", "/a")));
    s.apply("--target", "/a/y");
    assertTrue(s.vmsByMarker("sim1").containsKey("/c/w"), "outside the target: untouched");
    assertEquals(
        List.of("undeploy /c/w", "deprovision /c/w", "delete_folder /c"), actions(s.plan()));
  }

  @Test
  void replaceRebuildsOnlyThatVm() {
    EngineScenario s = tree();
    s.apply();
    Map<String, String> ids = ids(s);

    Map<String, Object> plan = s.plan("--replace", "/a/y");

    assertEquals(List.of("replace /a/y"), actions(plan));
    Map<String, Object> why = reasons(change(plan, "replace", "/a/y")).get(0);
    assertTrue(why.toString().contains("--replace"), () -> "reason names --replace: " + why);
    s.apply("--replace", "/a/y");
    Map<String, String> after = ids(s);
    assertNotEquals(ids.get("/a/y"), after.get("/a/y"));
    assertNull(s.vm("sim1", ids.get("/a/y")));
    ids.remove("/a/y");
    after.remove("/a/y");
    assertEquals(ids, after, "the other VMs are untouched");
    s.expect(0, "plan", "TREE", "--detailed-exitcode");
  }

  @Test
  void replaceOfADescriptorWithoutAVmIsAnError() {
    EngineScenario s = tree();

    CliRun run = s.expect(1, "plan", "TREE", "--replace", "/a/y");

    assertTrue(run.err().contains("/a/y"), run.err());
  }

  @Test
  void preventDestroyOutsideTheTargetsDoesNotBlockThem() {
    EngineScenario s = tree();
    s.write("c/w.yaml", "definition: {}\nlifecycle: {prevent_destroy: true}\n");
    s.apply();
    s.delete("c/w.yaml").write("a/y.yaml", "definition: {vcpu: 4}\n");

    assertEquals(List.of("update /a/y"), actions(s.plan("--target", "/a/y")));
    s.apply("--target", "/a/y");

    assertEquals(4, ((Number) s.vmsByMarker("sim1").get("/a/y").get("vcpu")).intValue());
    CliRun whole = s.expect(1, "plan", "TREE");
    assertTrue(whole.err().contains("prevent_destroy"), whole.err());
    CliRun targeted = s.expect(1, "plan", "TREE", "--target", "/c");
    assertTrue(targeted.err().contains("cannot undeploy /c/w"), targeted.err());
  }

  @Test
  void aTargetThatNamesNothingIsAnError() {
    EngineScenario s = tree();
    s.apply();

    CliRun plan = s.expect(1, "plan", "TREE", "--target", "/a/nosuch");
    CliRun apply = s.expect(1, "apply", "TREE", "--auto-approve", "--target", "/nosuch");

    assertTrue(plan.err().contains("--target /a/nosuch"), plan.err());
    assertTrue(apply.err().contains("--target /nosuch"), apply.err());
    s.delete("c/w.yaml").delete("c");
    assertEquals(
        List.of("undeploy /c/w", "deprovision /c/w", "delete_folder /c"),
        actions(s.plan("--target", "/c")),
        "a path only the state still knows is a target");
  }

  @Test
  void targetsAreRefusedWithAPlanFile() {
    EngineScenario s = tree();
    String file = dir.resolve("p.json").toString();
    s.ok("plan", "TREE", "--out", file);

    CliRun run = s.expect(1, "apply", file, "--target", "/a");

    assertTrue(run.err().contains("--target"), run.err());
    assertEquals(List.of(), s.vms("sim1"));
  }

  private static Map<String, String> ids(EngineScenario s) {
    Map<String, String> ids = new java.util.TreeMap<>();
    s.vmsByMarker("sim1").forEach((marker, vm) -> ids.put(marker, vm.get("id").toString()));
    return ids;
  }
}
