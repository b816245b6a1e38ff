package io.vmtree.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtree.engine.EngineScenario;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vmtree import TREE PATH VM_ID} (SPEC §9, §11) through the real command line: a VM made
 * with {@code sim add} is adopted, the next plan shows where it differs from the tree, and what
 * cannot be imported is refused with exit 1, changing nothing.
 */
class ImportCommandTest {
  @TempDir Path dir;
  EngineScenario s;
  String legacy;

  @BeforeEach
  void unmanagedVm() {
    s = new EngineScenario(dir);
    s.write(
        "_folder.yaml",
        EngineScenario.rootFolder("latency_ms: 0"),
        "lab/web1.yaml",
        "definition: {}\n",
        "lab/pg1.yaml",
        "definition: {memory: 4GiB, tags: {team: dba}}\n");
    s.apply("--target", "/lab/web1");
    CliRun added =
        s.ok(
            "sim",
            "add",
            "sim1",
            "legacy-db",
            "folder=/old",
            "vcpu=1",
            "memory=3GiB",
            "power=off",
            "tags.team=dba",
            "description=built by hand");
    legacy = added.out().split(" ")[1];
  }

  @Test
  void importAdoptsTheVmAndTheNextPlanShowsWhatDiffers() {
    long lastOp = s.lastOpId();
    assertEquals(
        List.of("unmanaged sim1:legacy-db"),
        EngineScenario.drift(s.plan()).stream()
            .map(d -> d.get("kind") + " " + d.get("full_name"))
            .toList());

    CliRun run = s.ok("import", "TREE", "/lab/pg1", legacy);

    assertTrue(run.out().startsWith("Provisioned /lab/pg1 (operation "), run::all);
    assertTrue(
        run.out()
            .contains("Imported VM " + legacy + " (legacy-db) on sim1 into /lab/pg1 (operation "),
        run::all);
    Map<String, Object> d = s.stateDescriptor("/lab/pg1");
    assertEquals("deployed", d.get("status"));
    assertEquals(legacy, d.get("vm_id"));
    assertEquals("sim1", d.get("hypervisor"));
    Map<?, ?> config = (Map<?, ?>) d.get("deployed_config");
    assertEquals(1, config.get("vcpu"));
    assertEquals("3GiB", config.get("memory"));
    assertEquals("off", config.get("power"));
    assertEquals(Map.of("team", "dba"), config.get("tags"));
    assertEquals("built by hand", config.get("description"));
    assertEquals("debian-12", config.get("base_image"), "the image is the tree's");
    assertEquals("sim1", config.get("use_hypervisor"));
    assertEquals(
        Map.of("memory", "4GiB", "tags", Map.of("team", "dba")), d.get("local_definition"));
    assertEquals(
        "succeeded", s.op("provision", "/lab/pg1", lastOp).get("status"), "provisioned first");
    Map<String, Object> op = s.op("import", "/lab/pg1", lastOp);
    assertEquals(Map.of("vm_id", legacy, "hypervisor", "sim1"), op.get("result"));
    assertEquals(
        ((Number) op.get("id")).intValue(), ((Map<?, ?>) d.get("last_operation")).get("id"));

    Map<String, Object> plan = s.plan();
    assertEquals(List.of(), EngineScenario.drift(plan), "no drift: the state is what the VM is");
    assertEquals(List.of("update /lab/pg1"), EngineScenario.actions(plan));
    Map<String, Object> update = EngineScenario.change(plan, "update", "/lab/pg1");
    assertEquals(
        List.of(
            "vcpu 1 -> 2",
            "memory 3GiB -> 4GiB",
            "power off -> null",
            "description built by hand -> null"),
        EngineScenario.reasons(update).stream()
            .map(r -> r.get("field") + " " + r.get("before") + " -> " + r.get("after"))
            .toList());

    s.apply();
    Map<String, Object> vm = s.vm("sim1", legacy);
    assertEquals(2, vm.get("vcpu"));
    assertEquals("4GiB", vm.get("memory"));
    assertEquals("on", vm.get("power"));
    assertEquals("legacy-db", vm.get("name"), "import never renames the VM");
    s.expect(0, "plan", "TREE", "--detailed-exitcode");
  }

  @Test
  void aProvisionedDescriptorIsImportedWithoutAnotherProvision() {
    s.write("lab/pg1.yaml", "definition: {memory: 4GiB}\ntarget: provisioned\n");
    s.apply();
    s.write("lab/pg1.yaml", "definition: {memory: 4GiB}\n");
    long lastOp = s.lastOpId();

    CliRun run = s.ok("import", "TREE", "/lab/pg1", legacy);

    assertTrue(run.out().startsWith("Imported VM " + legacy), run::all);
    assertEquals(
        List.of("import"),
        s.ops(o -> ((Number) o.get("id")).longValue() > lastOp).stream()
            .map(o -> o.get("type"))
            .toList());
  }

  @Test
  void theRefusalsChangeNothing() {
    s.ok("sim", "add", "sim1", "stolen", "marker=/lab/other");
    String stolen =
        s.vms("sim1").stream()
            .filter(v -> "stolen".equals(v.get("name")))
            .findFirst()
            .orElseThrow()
            .get("id")
            .toString();
    String web1 = s.stateDescriptor("/lab/web1").get("vm_id").toString();
    long lastOp = s.lastOpId();

    refused("no VM vm-999999 on hypervisor sim1", "/lab/pg1", "vm-999999");
    refused("/lab/web1 already manages it", "/lab/pg1", web1);
    refused("carries the vmtree marker of /lab/other", "/lab/pg1", stolen);
    refused("/lab/web1: it is deployed with VM " + web1, "/lab/web1", legacy);
    refused("no descriptor /lab/nope in the tree", "/lab/nope", legacy);
    refused("/lab is a folder", "/lab", legacy);
    s.write("lab/spare.yaml", "definition: {}\ntarget: provisioned\n");
    refused("its target is provisioned", "/lab/spare", legacy);
    s.ok("sim", "down", "sim1");
    refused("cannot import: hypervisor sim1", "/lab/pg1", legacy);
    s.ok("sim", "up", "sim1");

    assertNull(s.stateDescriptor("/lab/pg1"), "not even provisioned");
    assertEquals(lastOp, s.lastOpId(), "nothing journaled");
    CliRun usage = s.expect(1, "import", "TREE", "/lab/pg1");
    assertTrue(usage.err().contains("VM_ID"), usage::all);
    s.write("lab/broken.yaml", "definition: {vcpu: zero}\n");
    CliRun broken = s.expect(1, "import", "TREE", "/lab/pg1", legacy);
    assertTrue(broken.err().contains("lab/broken.yaml:1:"), broken::all);
  }

  private void refused(String message, String path, String vmId) {
    CliRun run = s.expect(1, "import", "TREE", path, vmId);
    assertTrue(run.err().contains(message), () -> "expected \"" + message + "\" in:\n" + run.all());
  }

  @Test
  void aLiteralPasswordNeverReachesTheStateOrTheOutput() throws java.io.IOException {
    s.write(
        "_folder.yaml",
        EngineScenario.rootFolder("latency_ms: 0, user: admin, password: hunter2-literal"));

    CliRun run = s.ok("import", "TREE", "/lab/pg1", legacy);

    assertTrue(!run.all().contains("hunter2"), run::all);
    String file = java.nio.file.Files.readString(s.state().resolve("descriptors/lab/pg1.json"));
    assertTrue(!file.contains("hunter2"), file);
    assertEquals(
        "(sensitive)",
        ((Map<?, ?>) s.stateDescriptor("/lab/pg1").get("deployed_config")).get("password"));
    assertTrue(!s.ok("state", "show", "/lab/pg1").out().contains("hunter2"));
  }

  @Test
  void aVmCarryingItsOwnPathAsMarkerIsImportedBackAfterStateRm() {
    s.apply();
    String pg = s.stateDescriptor("/lab/pg1").get("vm_id").toString();
    s.ok("state", "rm", "/lab/pg1");

    s.ok("import", "TREE", "/lab/pg1", pg);

    assertEquals(pg, s.stateDescriptor("/lab/pg1").get("vm_id"));
    s.expect(0, "plan", "TREE", "--detailed-exitcode");
    s.assertConsistent("sim1");
  }
}
