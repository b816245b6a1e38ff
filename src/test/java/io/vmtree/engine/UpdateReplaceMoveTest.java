package io.vmtree.engine;

import static io.vmtree.engine.EngineScenario.actions;
import static io.vmtree.engine.EngineScenario.change;
import static io.vmtree.engine.EngineScenario.reasons;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtree.cli.CliRun;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SPEC §4 and §11 "Replace vs update": which edit of a deployed descriptor is an in-place update
 * (same VM), which replaces the VM (new id, old one gone), which is a move, and which changes
 * nothing at all.
 */
class UpdateReplaceMoveTest {
  private static final String ROOT = EngineScenario.rootFolder("latency_ms: 0");
  private static final String WEB1 = "app/web1.yaml";

  @TempDir Path dir;

  /** A deployed /app/web1 (2 vCPU, 2GiB, debian-12 on sim1) and its VM id. */
  private EngineScenario deployed(String web1) {
    EngineScenario s = new EngineScenario(dir).write("_folder.yaml", ROOT, WEB1, web1);
    s.apply();
    return s;
  }

  static Stream<Arguments> edits() {
    return Stream.of(
        Arguments.of("vcpu grows: hot add", "vcpu: 4", "update", "vcpu", 2, 4, "app/web1.yaml:3"),
        Arguments.of(
            "memory grows", "memory: 4GiB", "update", "memory", "2GiB", "4GiB", "app/web1.yaml:3"),
        Arguments.of("power off", "power: off", "update", "power", "on", "off", "app/web1.yaml:3"),
        Arguments.of(
            "description",
            "description: front end",
            "update",
            "description",
            null,
            "front end",
            "app/web1.yaml:3"),
        Arguments.of(
            "base_image: the VM is rebuilt",
            "base_image: debian-13",
            "replace",
            "base_image",
            "debian-12",
            "debian-13",
            "app/web1.yaml:3"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("edits")
  void anEditPlansTheRightActionWithItsReasonAndOriginAndApplies(
      String reason,
      String edit,
      String action,
      String field,
      Object before,
      Object after,
      String origin) {
    EngineScenario s = deployed("# web1\ndefinition:\n  tags: {}\n");
    String id = s.vmsByMarker("sim1").get("/app/web1").get("id").toString();
    s.write(WEB1, "# web1\ndefinition:\n  " + edit + "\n");

    Map<String, Object> plan = s.plan();

    assertEquals(List.of(action + " /app/web1"), actions(plan), reason);
    List<Map<String, Object>> reasons = reasons(change(plan, action, "/app/web1"));
    assertEquals(1, reasons.size(), reasons::toString);
    Map<String, Object> why = reasons.get(0);
    assertEquals(field, why.get("field"));
    assertEquals(before, why.get("before"));
    assertEquals(after, why.get("after"));
    assertEquals(origin, why.get("origin"));
    s.apply();
    Map<String, Object> vm = s.vmsByMarker("sim1").get("/app/web1");
    assertNotNull(vm, () -> "no VM for /app/web1 on sim1: " + s.vms("sim1"));
    if (action.equals("update")) {
      assertEquals(id, vm.get("id"), "an update keeps the VM");
      Object live = field.equals("description") ? after : vm.get(field);
      assertEquals(after, live, "the VM has the new " + field);
    } else {
      assertNotEquals(id, vm.get("id"), "a replace makes a new VM");
      assertNull(s.vm("sim1", id), "the replaced VM is gone");
      Map<?, ?> result = (Map<?, ?>) s.op("replace", "/app/web1", 0).get("result");
      assertEquals(id, result.get("replaced_vm_id"), "the journal names the replaced VM");
    }
    s.expect(0, "plan", "TREE", "--detailed-exitcode");
    s.assertConsistent("sim1", "sim2");
  }

  @Test
  void planTextShowsTheUpdateReasonWithItsOrigin() {
    EngineScenario s = deployed("definition:\n  vcpu: 2\n");
    s.write(WEB1, "definition:\n  vcpu: 4\n");

    CliRun plan = s.ok("plan", "TREE");

    assertTrue(plan.out().contains("vcpu: 2 -> 4  # app/web1.yaml:2"), plan.out());
  }

  @Test
  void aFolderEditReachesEveryDescriptorBelowWithTheFolderAsOrigin() {
    EngineScenario s =
        new EngineScenario(dir).write("_folder.yaml", ROOT, WEB1, "definition: {}\n");
    s.write("app/web2.yaml", "definition: {}\n");
    s.apply();
    s.write("app/_folder.yaml", "definition:\n  prototypes:\n    small: {memory: 3GiB}\n");

    Map<String, Object> plan = s.plan();

    assertEquals(List.of("update /app/web1", "update /app/web2"), actions(plan));
    Map<String, Object> why = reasons(change(plan, "update", "/app/web2")).get(0);
    assertEquals("memory", why.get("field"));
    assertTrue(
        why.get("origin").toString().startsWith("app/_folder.yaml:3"), () -> "origin " + why);
  }

  @ParameterizedTest(name = "{0} never changes a VM")
  @MethodSource("connectionEdits")
  void connectionFieldsNeverChangeAVm(String field, String written, String edited) {
    EngineScenario s = deployed("definition: {}\n");
    s.write("_folder.yaml", ROOT.replace(written, edited));

    s.expect(0, "plan", "TREE", "--detailed-exitcode");
  }

  static Stream<Arguments> connectionEdits() {
    return Stream.of(
        Arguments.of("host", "host: rack-a", "host: elsewhere"),
        Arguments.of("latency_ms", "latency_ms: 0", "latency_ms: 2"),
        Arguments.of("seed", "latency_ms: 0", "latency_ms: 0, seed: 99"),
        Arguments.of("fail_rate", "latency_ms: 0", "latency_ms: 0, fail_rate: 0.0"),
        Arguments.of("max_parallel", "latency_ms: 0", "latency_ms: 0, max_parallel: 3"),
        Arguments.of("user and password", "latency_ms: 0", "latency_ms: 0, user: u, password: pw"));
  }

  @Test
  void aUseHypervisorChangeReplacesTheVmOntoTheNewHypervisor() {
    EngineScenario s = deployed("definition: {}\n");
    String id = s.vmsByMarker("sim1").get("/app/web1").get("id").toString();
    s.write(WEB1, "# web1\ndefinition:\n  use_hypervisor: sim2\n");

    Map<String, Object> why = reasons(change(s.plan(), "replace", "/app/web1")).get(0);

    assertEquals("use_hypervisor", why.get("field"));
    assertEquals("sim1", why.get("before"));
    assertEquals("sim2", why.get("after"));
    assertEquals("app/web1.yaml:3", why.get("origin"));
    s.apply();
    assertNull(s.vm("sim1", id), "the old VM is gone");
    assertEquals(Set.of(), s.vmsByMarker("sim1").keySet(), "nothing left on sim1");
    assertNotNull(s.vmsByMarker("sim2").get("/app/web1"), "the new VM is on sim2");
    s.assertConsistent("sim1", "sim2");
    s.expect(0, "plan", "TREE", "--detailed-exitcode");
  }

  @Test
  void aTagChangeIsAnInPlaceUpdate() {
    EngineScenario s = deployed("definition:\n  tags: {team: red}\n");
    String id = s.vmsByMarker("sim1").get("/app/web1").get("id").toString();
    s.write(WEB1, "definition:\n  tags: {team: blue, tier: web}\n");

    Map<String, Object> why = reasons(change(s.plan(), "update", "/app/web1")).get(0);

    assertEquals("tags", why.get("field"));
    assertEquals(Map.of("team", "red"), why.get("before"));
    assertEquals(Map.of("team", "blue", "tier", "web"), why.get("after"));
    s.apply();
    assertEquals(Map.of("team", "blue", "tier", "web"), s.vm("sim1", id).get("tags"));
    s.expect(0, "plan", "TREE", "--detailed-exitcode");
  }

  @Test
  void aTagChangeReasonNamesWhereTheNewValueComesFrom() {
    EngineScenario s = deployed("definition:\n  tags: {team: red}\n");
    s.write(WEB1, "definition:\n  tags: {team: blue}\n");

    Map<String, Object> why = reasons(change(s.plan(), "update", "/app/web1")).get(0);

    assertNotNull(why.get("origin"), () -> "origin of " + why);
    assertTrue(why.get("origin").toString().startsWith("app/web1.yaml:2"), why::toString);
  }

  @Test
  void shrinkingARunningVmNeedsARebootAndIsBlockedWithoutAllowReboot() {
    EngineScenario s = deployed("definition:\n  vcpu: 4\n");
    String id = s.vmsByMarker("sim1").get("/app/web1").get("id").toString();
    s.write(WEB1, "definition:\n  vcpu: 2\n");

    Map<String, Object> update = change(s.plan(), "update", "/app/web1");

    assertEquals("requires reboot", reasons(update).get(0).get("note"));
    assertEquals(true, update.get("blocked"));
    CliRun blocked = s.vmtree("apply", "TREE", "--auto-approve");
    assertTrue(blocked.out().contains("blocked"), blocked.out());
    assertEquals(4, s.vm("sim1", id).get("vcpu"), "a blocked update is not applied");
    s.write(WEB1, "definition:\n  vcpu: 2\nlifecycle: {allow_reboot: true}\n");
    assertEquals(false, change(s.plan(), "update", "/app/web1").get("blocked"));
    s.apply();
    Map<String, Object> vm = s.vm("sim1", id);
    assertEquals(2, vm.get("vcpu"));
    assertEquals("on", vm.get("power"), "power-cycled, so running again");
    s.expect(0, "plan", "TREE", "--detailed-exitcode");
  }

  @Test
  void aMovedEntryRenamesTheVmInPlaceNeverUndeployAndDeploy() {
    EngineScenario s = deployed("definition: {}\n");
    String id = s.vmsByMarker("sim1").get("/app/web1").get("id").toString();
    long before = s.lastOpId();
    s.rename(WEB1, "app/front1.yaml");
    s.write("app/_folder.yaml", "moved:\n  - {from: web1, to: front1}\n");

    Map<String, Object> plan = s.plan();

    assertEquals(List.of("move /app/front1"), actions(plan));
    Map<String, Object> move = change(plan, "move", "/app/front1");
    assertEquals("/app/web1", move.get("from"));
    Map<String, Object> why = reasons(move).get(0);
    assertEquals("/app/web1", why.get("before"));
    assertEquals("/app/front1", why.get("after"));
    assertEquals("app/_folder.yaml:2", why.get("origin"));
    s.apply();
    Map<String, Object> vm = s.vm("sim1", id);
    assertNotNull(vm, "the VM survives the move");
    assertEquals("front1", vm.get("name"));
    assertEquals("/app/front1", vm.get("marker"));
    assertEquals(1, s.vms("sim1").size());
    assertNull(s.stateDescriptor("/app/web1"));
    assertEquals(id, s.stateDescriptor("/app/front1").get("vm_id"));
    assertEquals(
        List.of("move"),
        s.ops(o -> ((Number) o.get("id")).longValue() > before).stream()
            .map(o -> o.get("type"))
            .toList(),
        "a move is one operation, never undeploy and deploy");
    s.expect(0, "plan", "TREE", "--detailed-exitcode");
    s.assertConsistent("sim1");
  }

  @Test
  void aMoveToAnotherFolderChangesTheVmsFolder() {
    EngineScenario s = deployed("definition: {}\n");
    String id = s.vmsByMarker("sim1").get("/app/web1").get("id").toString();
    s.rename(WEB1, "web1.yaml");
    s.write("_folder.yaml", ROOT + "moved:\n  - {from: /app/web1, to: /web1}\n");

    assertEquals(
        List.of("move /web1"),
        actions(s.plan()).stream().filter(a -> !a.contains("folder")).toList());
    s.apply();

    Map<String, Object> vm = s.vm("sim1", id);
    assertEquals("/", vm.get("folder"));
    assertEquals("/web1", vm.get("marker"));
    s.expect(0, "plan", "TREE", "--detailed-exitcode");
  }
}
