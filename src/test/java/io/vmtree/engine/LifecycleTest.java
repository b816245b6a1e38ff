package io.vmtree.engine;

import static io.vmtree.engine.EngineScenario.actions;
import static io.vmtree.engine.EngineScenario.change;
import static io.vmtree.engine.EngineScenario.drift;
import static io.vmtree.engine.EngineScenario.reasons;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtree.cli.CliRun;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §1 lifecycle through the CLI: removal, {@code prevent_destroy} and {@code keep_disks} kept
 * in state, and what refresh sees when a VM is deleted or its hypervisor goes down behind vmtree's
 * back.
 */
class LifecycleTest {
  @TempDir Path dir;

  /** /app/web1 and /app/web2 on sim1, /db/pg1 on sim2, all deployed. */
  private EngineScenario deployed(String web1Lifecycle) {
    EngineScenario s =
        new EngineScenario(dir)
            .write(
                "_folder.yaml",
                EngineScenario.rootFolder("latency_ms: 0"),
                "app/web1.yaml",
                "definition: {}\n" + web1Lifecycle,
                "app/web2.yaml",
                "definition: {}\n",
                "db/pg1.yaml",
                "definition: {use_hypervisor: sim2}\n");
    s.apply();
    return s;
  }

  @Test
  void removingAFileUndeploysThenDeprovisions() {
    EngineScenario s = deployed("");
    String id = s.vmsByMarker("sim1").get("/app/web1").get("id").toString();
    s.delete("app/web1.yaml");

    Map<String, Object> plan = s.plan();

    assertEquals(List.of("undeploy /app/web1", "deprovision /app/web1"), actions(plan));
    assertTrue(
        reasons(change(plan, "undeploy", "/app/web1")).toString().contains("file removed"),
        plan::toString);
    @SuppressWarnings("unchecked")
    Map<String, Object> summary = (Map<String, Object>) plan.get("summary");
    assertEquals(1, summary.get("undeploy"));
    assertEquals(1, summary.get("deprovision"));
    s.apply();
    assertNull(s.vm("sim1", id));
    assertNull(s.stateDescriptor("/app/web1"));
    assertEquals("succeeded", s.op("deprovision", "/app/web1", 0).get("status"));
    s.expect(0, "plan", "TREE", "--detailed-exitcode");
    s.assertConsistent("sim1", "sim2");
  }

  @Test
  void preventDestroyKeptInStateRefusesToDestroyAfterTheFileIsDeleted() {
    EngineScenario s = deployed("lifecycle: {prevent_destroy: true}\n");
    String id = s.vmsByMarker("sim1").get("/app/web1").get("id").toString();
    s.delete("app/web1.yaml");

    CliRun plan = s.expect(1, "plan", "TREE");
    CliRun apply = s.expect(1, "apply", "TREE", "--auto-approve");

    for (CliRun run : List.of(plan, apply)) {
      assertTrue(run.err().contains("prevent_destroy"), run.err());
      assertTrue(run.err().contains("/app/web1"), run.err());
    }
    assertNotNull(s.vm("sim1", id), "the VM is still there");
  }

  @Test
  void preventDestroyRefusesAReplaceToo() {
    EngineScenario s = deployed("lifecycle: {prevent_destroy: true}\n");
    s.write(
        "app/web1.yaml",
        "definition: {base_image: debian-13}\n" + "lifecycle: {prevent_destroy: true}\n");

    CliRun plan = s.expect(1, "plan", "TREE");

    assertTrue(plan.err().contains("prevent_destroy"), plan.err());
  }

  @Test
  void preventDestroyAddedAfterDeployIsKeptInState() {
    EngineScenario s = deployed("");
    String id = s.vmsByMarker("sim1").get("/app/web1").get("id").toString();
    s.write("app/web1.yaml", "definition: {}\nlifecycle: {prevent_destroy: true}\n");
    s.vmtree("apply", "TREE", "--auto-approve");
    s.delete("app/web1.yaml");

    CliRun plan = s.vmtree("plan", "TREE");

    assertEquals(1, plan.exitCode(), () -> "plan must refuse to destroy /app/web1:\n" + plan.out());
    assertTrue(plan.err().contains("prevent_destroy"), plan.err());
    s.vmtree("apply", "TREE", "--auto-approve");
    assertNotNull(s.vm("sim1", id), "prevent_destroy must keep the VM");
  }

  @Test
  void aVmDeletedBehindTheBackIsMissingDriftAndPlannedForDeploy() {
    EngineScenario s = deployed("");
    String id = s.vmsByMarker("sim1").get("/app/web1").get("id").toString();
    s.ok("sim", "rm", "sim1", id);

    Map<String, Object> plan = s.plan();

    assertEquals(List.of("deploy /app/web1"), actions(plan));
    List<Map<String, Object>> drift = drift(plan);
    assertEquals(1, drift.size(), drift::toString);
    assertEquals("/app/web1", drift.get(0).get("full_name"));
    assertEquals("missing", drift.get(0).get("kind"));
    assertEquals(id, drift.get(0).get("vm_id"));
    s.expect(2, "plan", "TREE", "--detailed-exitcode");
  }

  @Test
  void aVmDeletedBehindTheBackIsRedeployedByTheNextApply() {
    EngineScenario s = deployed("");
    String id = s.vmsByMarker("sim1").get("/app/web1").get("id").toString();
    s.ok("sim", "rm", "sim1", id);

    s.apply();

    Map<String, Object> vm = s.vmsByMarker("sim1").get("/app/web1");
    assertNotNull(vm, "redeployed");
    assertFalse(id.equals(vm.get("id")));
    s.assertConsistent("sim1", "sim2");
    s.expect(0, "plan", "TREE", "--detailed-exitcode");
  }

  @Test
  void aRemovedDescriptorWhoseVmIsAlreadyGoneIsDeprovisioned() {
    EngineScenario s = deployed("");
    String id = s.vmsByMarker("sim1").get("/app/web1").get("id").toString();
    s.ok("sim", "rm", "sim1", id);
    s.delete("app/web1.yaml");

    assertEquals(List.of("deprovision /app/web1"), actions(s.plan()));
    s.apply();

    assertNull(s.stateDescriptor("/app/web1"));
    s.expect(0, "plan", "TREE", "--detailed-exitcode");
  }

  @Test
  void anUnreachableHypervisorIsDriftAndNothingIsPlannedForItsDescriptors() {
    EngineScenario s = deployed("");
    s.write("app/web1.yaml", "definition: {vcpu: 4}\n");
    s.write("db/pg1.yaml", "definition: {use_hypervisor: sim2, vcpu: 4}\n");
    s.ok("sim", "down", "sim1");

    Map<String, Object> plan = s.plan();

    assertEquals(List.of("update /db/pg1"), actions(plan), "nothing for sim1's descriptors");
    Map<String, String> drift = new java.util.TreeMap<>();
    drift(plan).forEach(d -> drift.put(d.get("full_name").toString(), d.get("kind").toString()));
    assertEquals(Map.of("/app/web1", "unreachable", "/app/web2", "unreachable"), drift);
    assertTrue(
        drift(plan).stream().allMatch(d -> "sim1".equals(d.get("hypervisor"))), plan::toString);
    s.apply();
    assertEquals(4, s.vmsByMarker("sim2").get("/db/pg1").get("vcpu"), "sim2 is not held up");

    s.ok("sim", "up", "sim1");
    Map<String, Object> back = s.plan();
    assertEquals(List.of("update /app/web1"), actions(back));
    assertEquals(List.of(), drift(back));
    s.apply();
    s.expect(0, "plan", "TREE", "--detailed-exitcode");
    s.assertConsistent("sim1", "sim2");
  }

  @Test
  void applyRecordsUnreachableAndThenDeployedAgain() {
    EngineScenario s = deployed("");
    s.write("db/pg1.yaml", "definition: {use_hypervisor: sim2, vcpu: 4}\n");
    s.ok("sim", "down", "sim1");

    s.apply();

    assertEquals("unreachable", s.stateDescriptor("/app/web1").get("status"));
    s.ok("sim", "up", "sim1");
    s.write("db/pg1.yaml", "definition: {use_hypervisor: sim2, vcpu: 2}\n");
    s.apply();
    assertEquals("deployed", s.stateDescriptor("/app/web1").get("status"));
  }

  @Test
  void keepDisksRecordsTheKeptDisksInTheUndeployOperation() {
    EngineScenario s = deployed("lifecycle: {keep_disks: true}\n");
    String id = s.vmsByMarker("sim1").get("/app/web1").get("id").toString();
    s.delete("app/web1.yaml").delete("app/web2.yaml");

    s.apply();

    long kept = ((Number) s.op("undeploy", "/app/web1", 0).get("id")).longValue();
    Map<String, Object> shown = EngineScenario.json(s.ok("ops", "show", "" + kept).out());
    assertEquals("succeeded", shown.get("status"));
    @SuppressWarnings("unchecked")
    Map<String, Object> result = (Map<String, Object>) shown.get("result");
    assertEquals(id, result.get("deleted_vm_id"));
    assertTrue(result.get("kept_disks") instanceof List<?> disks && !disks.isEmpty(), "" + shown);
    assertTrue(((List<?>) result.get("kept_disks")).toString().contains(id), "" + shown);
    long plain = ((Number) s.op("undeploy", "/app/web2", 0).get("id")).longValue();
    Map<String, Object> other = EngineScenario.json(s.ok("ops", "show", "" + plain).out());
    @SuppressWarnings("unchecked")
    Object noDisks = ((Map<String, Object>) other.get("result")).get("kept_disks");
    assertTrue(noDisks == null || ((List<?>) noDisks).isEmpty(), "" + other);
    assertNull(s.vm("sim1", id), "the VM itself is gone");
    assertEquals(Set.of(), s.vmsByMarker("sim1").keySet());
  }

  @Test
  void keepDisksSetInTheSameEditAsTargetProvisionedKeepsTheDisks() {
    EngineScenario s = deployed("");
    String id = s.vmsByMarker("sim1").get("/app/web1").get("id").toString();
    s.write(
        "app/web1.yaml", "definition: {}\ntarget: provisioned\nlifecycle: {keep_disks: true}\n");

    s.apply();

    long undeploy = ((Number) s.op("undeploy", "/app/web1", 0).get("id")).longValue();
    @SuppressWarnings("unchecked")
    Map<String, Object> result =
        (Map<String, Object>)
            EngineScenario.json(s.ok("ops", "show", "" + undeploy).out()).get("result");
    assertTrue(
        result.get("kept_disks") instanceof List<?> disks && disks.toString().contains(id),
        "the tree's keep_disks counts in the edit that undeploys: " + result);
    assertNull(s.vm("sim1", id));
  }

  @Test
  void targetProvisionedRecordsWhatTheTreeSaysNowInOneApply() {
    EngineScenario s = deployed("");
    s.write("app/web2.yaml", "definition: {}\ndepends_on: [/app/web1]\n");
    s.apply();
    s.write(
        "app/web2.yaml",
        "definition: {vcpu: 4}\ntarget: provisioned\nlifecycle: {keep_disks: true}\n");

    s.apply();

    Map<String, Object> web2 = s.stateDescriptor("/app/web2");
    assertEquals("provisioned", web2.get("status"));
    @SuppressWarnings("unchecked")
    Map<String, Object> lifecycle = (Map<String, Object>) web2.get("lifecycle");
    assertEquals(true, lifecycle.get("keep_disks"), "" + web2);
    assertEquals(List.of(), web2.get("depends_on"), "" + web2);
    assertEquals(Map.of("vcpu", 4), web2.get("local_definition"), "" + web2);
    s.expect(0, "plan", "TREE", "--detailed-exitcode");
  }

  @Test
  void aLifecycleChangeIsOneReasonPerFieldNamedAsInTheFile() {
    EngineScenario s = deployed("");
    s.write(
        "app/web1.yaml",
        "definition: {}\nlifecycle: {prevent_destroy: true, ignore_changes: [vcpu]}\n");

    Map<String, Object> plan = s.plan();

    List<Map<String, Object>> why = reasons(change(plan, "update", "/app/web1"));
    assertEquals(
        List.of(
            Map.of(
                "field", "lifecycle.prevent_destroy",
                "before", false,
                "after", true,
                "origin", "app/web1.yaml:1",
                "note", "state only"),
            Map.of(
                "field", "lifecycle.ignore_changes",
                "before", List.of(),
                "after", List.of("vcpu"),
                "origin", "app/web1.yaml:1",
                "note", "state only")),
        why);
    String text = s.ok("plan", "TREE").out();
    assertTrue(text.contains("lifecycle.prevent_destroy: false -> true (state only)"), () -> text);
  }

  @Test
  void aDeployThatFindsAVmCarryingTheMarkerRecordsItAsItIsAndTheNextPlanUpdatesIt() {
    EngineScenario s = deployed("");
    s.ok("sim", "add", "sim1", "web9", "marker=/app/web9", "vcpu=1", "memory=512");
    s.write("app/web9.yaml", "definition: {vcpu: 3}\n");

    s.apply();

    Map<String, Object> web9 = s.vmsByMarker("sim1").get("/app/web9");
    assertEquals(
        1, s.vms("sim1").stream().filter(vm -> "/app/web9".equals(vm.get("marker"))).count());
    assertEquals(web9.get("id"), s.stateDescriptor("/app/web9").get("vm_id"), "adopted");
    @SuppressWarnings("unchecked")
    Map<String, Object> result = (Map<String, Object>) s.op("deploy", "/app/web9", 0).get("result");
    assertEquals(List.of("memory", "vcpu"), result.get("existing_vm_differs"));
    s.expect(0, "drift", "TREE");
    List<Map<String, Object>> why = reasons(change(s.plan(), "update", "/app/web9"));
    assertEquals(List.of("vcpu", "memory"), why.stream().map(r -> r.get("field")).toList());
    s.apply();
    assertEquals(3, ((Number) s.vmsByMarker("sim1").get("/app/web9").get("vcpu")).intValue());
    s.expect(0, "plan", "TREE", "--detailed-exitcode");
  }

  @Test
  void aCorruptJournalLineIsAnErrorNamingTheFileAndLine() throws java.io.IOException {
    EngineScenario s = deployed("");
    Path journal = s.state().resolve("journal.jsonl");
    long lines = java.nio.file.Files.readAllLines(journal).size();
    java.nio.file.Files.writeString(
        journal, "{\"id\": 99, \"type\"\n", java.nio.file.StandardOpenOption.APPEND);

    CliRun run = s.expect(1, "ops", "list");

    assertTrue(run.err().contains("journal.jsonl:" + (lines + 1)), run.err());
    assertFalse(run.err().contains("internal error"), run.err());
    assertFalse(run.err().contains("Exception"), run.err());
  }

  @Test
  void opsShowOfAnUnknownIdIsAnError() {
    EngineScenario s = deployed("");

    CliRun run = s.expect(1, "ops", "show", "999");

    assertTrue(run.err().contains("999"), run.err());
  }

  @Test
  void explainShowsTheStatusFromTheState() {
    EngineScenario s = deployed("");

    Map<String, Object> explained =
        EngineScenario.json(s.ok("explain", "TREE", "/app/web1", "--json").out());

    assertEquals("deployed", explained.get("status"));
  }
}
