package io.vmtree.plan;

import static io.vmtree.testing.TreeFixture.files;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtree.connector.LiveVm;
import io.vmtree.engine.Engine;
import io.vmtree.engine.Validation;
import io.vmtree.state.DescriptorState;
import io.vmtree.state.StateSnapshot;
import io.vmtree.testing.TreeFixture;
import io.vmtree.tree.Lifecycle;
import io.vmtree.tree.Status;
import io.vmtree.tree.TreePath;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The planner as a function: a tree, a previous state and what refresh saw, in; changes with
 * reasons and drift, out. One case per rule of SPEC §4 and §11.
 */
class PlannerTest {
  private static final String ROOT =
      """
      definition:
        hypervisors:
          sim1: {type: sim}
        use_hypervisor: sim1
        prototypes:
          small: {base_image: debian-12, vcpu: 2, memory: 2GiB}
        use_prototype: small
      """;

  /** What web1 looks like once deployed from {@link #ROOT} with no overrides. */
  private static final Map<String, Object> DEPLOYED =
      Map.of(
          "use_hypervisor", "sim1",
          "hypervisor_type", "sim",
          "use_prototype", "small",
          "base_image", "debian-12",
          "vcpu", 2,
          "memory", "2GiB",
          "power", "on");

  @TempDir Path dir;

  private PlanResult plan(
      Map<String, String> tree,
      List<DescriptorState> previous,
      Map<String, Observation> observed,
      PlanOptions options) {
    Path root = TreeFixture.write(dir.resolve("tree"), tree);
    Validation validation = Engine.create(Map.of()).validate(root);
    assertTrue(validation.isValid(), validation.diagnostics().toString());
    TreeMap<TreePath, DescriptorState> descriptors = new TreeMap<>();
    previous.forEach(d -> descriptors.put(d.fullName(), d));
    TreeSet<TreePath> folders = new TreeSet<>();
    validation.tree().get().folders().keySet().stream()
        .filter(p -> !p.isRoot())
        .forEach(folders::add);
    StateSnapshot state = new StateSnapshot("lineage-1", 7, descriptors, folders);
    return Planner.plan(validation.tree().get(), validation.computed(), state, observed, options);
  }

  /** {@return the plan of web1.yaml holding {@code web1}, deployed as vm-1 with 2 vCPU, 2 GiB} */
  private PlanResult planDeployedWeb1(String web1) {
    return plan(
        files("_folder.yaml", ROOT, "web1.yaml", web1),
        List.of(deployed("/web1", "vm-1", Lifecycle.DEFAULT)),
        Map.of("sim1", listed(live("vm-1", "/web1", 2, 2048, true))),
        PlanOptions.ALL);
  }

  private static DescriptorState deployed(String path, String vmId, Lifecycle lifecycle) {
    return new DescriptorState(
        TreePath.of(path),
        Status.DEPLOYED,
        vmId,
        "sim1",
        Map.of(),
        DEPLOYED,
        null,
        null,
        lifecycle,
        List.of(),
        null);
  }

  private static LiveVm live(String id, String marker, int vcpu, long memoryMib, boolean on) {
    return new LiveVm(
        id, "web1", List.of(), vcpu, memoryMib, on, Map.of(), null, marker, "debian-12", List.of());
  }

  private static Observation listed(LiveVm... vms) {
    return new Observation.Listed(List.of(vms));
  }

  private static List<String> actions(Plan plan) {
    return plan.changes().stream().map(Change::key).toList();
  }

  static Stream<Arguments> cases() {
    Lifecycle none = Lifecycle.DEFAULT;
    return Stream.of(
        Arguments.of(
            "a new descriptor is provisioned then deployed",
            files("_folder.yaml", ROOT, "web1.yaml", "{}\n"),
            List.of(),
            Map.of(),
            List.of("provision /web1", "deploy /web1")),
        Arguments.of(
            "a new descriptor with target provisioned is only provisioned",
            files("_folder.yaml", ROOT, "web1.yaml", "target: provisioned\n"),
            List.of(),
            Map.of(),
            List.of("provision /web1")),
        Arguments.of(
            "nothing differs: no change",
            files("_folder.yaml", ROOT, "web1.yaml", "{}\n"),
            List.of(deployed("/web1", "vm-1", none)),
            Map.of("sim1", listed(live("vm-1", "/web1", 2, 2048, true))),
            List.of()),
        Arguments.of(
            "a larger vcpu is an update",
            files("_folder.yaml", ROOT, "web1.yaml", "definition: {vcpu: 4}\n"),
            List.of(deployed("/web1", "vm-1", none)),
            Map.of("sim1", listed(live("vm-1", "/web1", 2, 2048, true))),
            List.of("update /web1")),
        Arguments.of(
            "a new base image replaces",
            files("_folder.yaml", ROOT, "web1.yaml", "definition: {base_image: debian-13}\n"),
            List.of(deployed("/web1", "vm-1", none)),
            Map.of("sim1", listed(live("vm-1", "/web1", 2, 2048, true))),
            List.of("replace /web1")),
        Arguments.of(
            "live drift is reconciled by an update",
            files("_folder.yaml", ROOT, "web1.yaml", "{}\n"),
            List.of(deployed("/web1", "vm-1", none)),
            Map.of("sim1", listed(live("vm-1", "/web1", 8, 2048, true))),
            List.of("update /web1")),
        Arguments.of(
            "live drift of an ignored field is not reconciled",
            files("_folder.yaml", ROOT, "web1.yaml", "lifecycle: {ignore_changes: [vcpu]}\n"),
            List.of(deployed("/web1", "vm-1", new Lifecycle(false, false, List.of("vcpu"), false))),
            Map.of("sim1", listed(live("vm-1", "/web1", 8, 2048, true))),
            List.of()),
        Arguments.of(
            "a VM gone is deployed again",
            files("_folder.yaml", ROOT, "web1.yaml", "{}\n"),
            List.of(deployed("/web1", "vm-1", none)),
            Map.of("sim1", listed()),
            List.of("deploy /web1")),
        Arguments.of(
            "an unreachable hypervisor: nothing planned for its VMs",
            files("_folder.yaml", ROOT, "web1.yaml", "definition: {vcpu: 4}\n"),
            List.of(deployed("/web1", "vm-1", none)),
            Map.of("sim1", new Observation.Unreachable("down")),
            List.of()),
        Arguments.of(
            "a removed file is undeployed then deprovisioned",
            files("_folder.yaml", ROOT),
            List.of(deployed("/web1", "vm-1", none)),
            Map.of("sim1", listed(live("vm-1", "/web1", 2, 2048, true))),
            List.of("undeploy /web1", "deprovision /web1")),
        Arguments.of(
            "target provisioned on a deployed descriptor undeploys",
            files("_folder.yaml", ROOT, "web1.yaml", "target: provisioned\n"),
            List.of(deployed("/web1", "vm-1", none)),
            Map.of("sim1", listed(live("vm-1", "/web1", 2, 2048, true))),
            List.of("undeploy /web1")),
        Arguments.of(
            "a moved entry moves, never destroys",
            files(
                "_folder.yaml", ROOT + "moved:\n  - {from: old, to: web1}\n", "web1.yaml", "{}\n"),
            List.of(deployed("/old", "vm-1", none)),
            Map.of("sim1", listed(live("vm-1", "/old", 2, 2048, true))),
            List.of("move /web1")),
        Arguments.of(
            "an interrupted move's old entry is only forgotten",
            files("_folder.yaml", ROOT, "web1.yaml", "{}\n"),
            List.of(deployed("/old", "vm-1", none), deployed("/web1", "vm-1", none)),
            Map.of("sim1", listed(live("vm-1", "/web1", 2, 2048, true))),
            List.of("deprovision /old")),
        Arguments.of(
            "a new folder is created",
            files("_folder.yaml", ROOT, "web/web1.yaml", "target: provisioned\n"),
            List.of(),
            Map.of(),
            List.of("provision /web/web1")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void plansTheExpectedActions(
      String reason,
      Map<String, String> tree,
      List<DescriptorState> previous,
      Map<String, Observation> observed,
      List<String> expected) {
    PlanResult result = plan(tree, previous, observed, PlanOptions.ALL);

    assertTrue(result.diagnostics().isEmpty(), reason + ": " + result.diagnostics());
    List<String> descriptorChanges =
        actions(result.plan()).stream().filter(k -> !k.contains("_folder ")).toList();
    assertEquals(expected, descriptorChanges, reason);
  }

  @Test
  void anUpdateSaysWhatChangedFromWhatToWhatAndWhere() {
    PlanResult result =
        plan(
            files("_folder.yaml", ROOT, "web1.yaml", "definition:\n  vcpu: 4\n"),
            List.of(deployed("/web1", "vm-1", Lifecycle.DEFAULT)),
            Map.of("sim1", listed(live("vm-1", "/web1", 2, 2048, true))),
            PlanOptions.ALL);

    Change update = result.plan().changes().get(0);
    assertEquals(List.of(new Reason("vcpu", 2, 4, "web1.yaml:2", null)), update.reasons());
    assertEquals(1, result.plan().summary().get(Action.UPDATE));
  }

  @Test
  void shrinkingARunningVmNeedsARebootAndIsBlockedWithoutAllowReboot() {
    PlanResult blocked = planDeployedWeb1("definition: {memory: 1GiB}\n");
    PlanResult allowed =
        planDeployedWeb1("definition: {memory: 1GiB}\nlifecycle: {allow_reboot: true}\n");

    Change a = blocked.plan().changes().get(0);
    Change b = allowed.plan().changes().get(0);
    assertTrue(a.requiresReboot() && a.blocked());
    assertTrue(b.requiresReboot() && !b.blocked());
    assertEquals("requires reboot", a.reasons().get(0).note());
  }

  @Test
  void growingARunningVmWithoutHotAddNeedsARebootAndWithHotAddDoesNot() {
    LiveVm cold =
        new LiveVm(
            "vm-1", "web1", List.of(), 2, 2048, true, Map.of(), null, "/web1", null, List.of(),
            false, false);
    LiveVm hot =
        new LiveVm(
            "vm-1", "web1", List.of(), 2, 2048, true, Map.of(), null, "/web1", null, List.of(),
            true, true);
    String grow = "definition: {vcpu: 4, memory: 4GiB}\n";

    Change coldChange =
        plan(
                files("_folder.yaml", ROOT, "web1.yaml", grow),
                List.of(deployed("/web1", "vm-1", Lifecycle.DEFAULT)),
                Map.of("sim1", listed(cold)),
                PlanOptions.ALL)
            .plan()
            .changes()
            .get(0);
    Change hotChange =
        plan(
                files("_folder.yaml", ROOT, "web1.yaml", grow),
                List.of(deployed("/web1", "vm-1", Lifecycle.DEFAULT)),
                Map.of("sim1", listed(hot)),
                PlanOptions.ALL)
            .plan()
            .changes()
            .get(0);

    assertTrue(coldChange.requiresReboot() && coldChange.blocked());
    assertEquals("requires reboot", coldChange.reasons().get(0).note());
    assertTrue(!hotChange.requiresReboot() && !hotChange.blocked());
  }

  @Test
  void preventDestroyKeptInStateRefusesTheRemoval() {
    PlanResult result =
        plan(
            files("_folder.yaml", ROOT),
            List.of(deployed("/db1", "vm-1", new Lifecycle(true, false, List.of(), false))),
            Map.of("sim1", listed(live("vm-1", "/db1", 2, 2048, true))),
            PlanOptions.ALL);

    assertTrue(result.diagnostics().hasErrors());
    assertEquals(
        "cannot undeploy /db1: lifecycle.prevent_destroy is set (the VM would be destroyed)"
            + " (remove prevent_destroy first, or forget it without destroying: vmtree state rm"
            + " /db1)",
        result.diagnostics().errors().get(0).format());
  }

  @Test
  void aTargetReasonPointsAtTheLineTheTargetIsWrittenOn() {
    PlanResult result =
        planDeployedWeb1("# kept, not running\ndefinition: {vcpu: 2}\ntarget: provisioned\n");

    Reason target = result.plan().changes().get(0).reasons().get(0);
    assertEquals("target", target.field());
    assertEquals("web1.yaml:3", target.origin());
  }

  @Test
  void driftIsReportedApartFromTheChanges() {
    PlanResult result =
        plan(
            files("_folder.yaml", ROOT, "web1.yaml", "{}\n", "db1.yaml", "{}\n"),
            List.of(
                deployed("/web1", "vm-1", Lifecycle.DEFAULT),
                deployed("/db1", "vm-2", Lifecycle.DEFAULT)),
            Map.of(
                "sim1",
                listed(
                    live("vm-1", "/web1", 8, 2048, true),
                    live("vm-9", null, 1, 512, true),
                    live("vm-8", "/ghost", 1, 512, true))),
            PlanOptions.ALL);

    List<String> kinds =
        result.plan().drift().stream().map(d -> d.kind().label() + " " + d.fullName()).toList();
    assertEquals(
        List.of("changed /web1", "missing /db1", "unmanaged sim1:web1", "orphaned /ghost"),
        kinds.stream().sorted((x, y) -> order(x) - order(y)).toList());
    DriftField vcpu =
        result.plan().drift().stream()
            .filter(d -> d.kind() == DriftKind.CHANGED)
            .findFirst()
            .orElseThrow()
            .fields()
            .get(0);
    assertEquals("vcpu 2 -> 8", vcpu.field() + " " + vcpu.expected() + " -> " + vcpu.actual());
    assertEquals("_folder.yaml:6 via prototype small", vcpu.origin().describe());
    assertEquals(false, vcpu.ignored());
  }

  @Test
  void vmIdsAreOnlyUniquePerHypervisor() {
    PlanResult result =
        plan(
            files(
                "_folder.yaml",
                ROOT.replace("sim1: {type: sim}", "sim1: {type: sim}\n    sim2: {type: sim}"),
                "web1.yaml",
                "{}\n"),
            List.of(deployed("/web1", "vm-1", Lifecycle.DEFAULT)),
            Map.of(
                "sim1", listed(live("vm-1", "/web1", 2, 2048, true)),
                "sim2", listed(live("vm-1", null, 1, 512, true))),
            PlanOptions.ALL);

    assertEquals(
        List.of("unmanaged sim2:web1"),
        result.plan().drift().stream().map(d -> d.kind().label() + " " + d.fullName()).toList());
  }

  private static int order(String kind) {
    return List.of("changed", "missing", "unmanaged", "orphaned").indexOf(kind.split(" ")[0]);
  }

  @Test
  void targetKeepsTheSubtreeAndWhatItDependsOn() {
    PlanResult result =
        plan(
            files(
                "_folder.yaml", ROOT,
                "web/web1.yaml", "depends_on: [/db/pg1]\n",
                "db/pg1.yaml", "{}\n",
                "ci/runner1.yaml", "{}\n"),
            List.of(),
            Map.of(),
            new PlanOptions(Set.of(TreePath.of("/web")), Set.of()));

    assertEquals(
        List.of("provision /db/pg1", "deploy /db/pg1", "provision /web/web1", "deploy /web/web1"),
        actions(result.plan()).stream().filter(k -> !k.contains("_folder ")).toList());
  }
}
