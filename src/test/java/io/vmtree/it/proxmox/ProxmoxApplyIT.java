package io.vmtree.it.proxmox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtree.cli.CliRun;
import io.vmtree.connector.proxmox.fake.FakePve;
import io.vmtree.engine.EngineScenario;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * vmtree on a Proxmox VE cluster, end to end through the command line: the real parser, engine and
 * connector, against the PVE API test server over HTTPS.
 */
class ProxmoxApplyIT {
  @TempDir Path dir;

  private final String secret = "pve-token-" + UUID.randomUUID();
  private final Map<String, String> env = Map.of("PVE_TOKEN", secret);
  private final List<CliRun> outputs = new ArrayList<>();
  private final FakePve pve =
      FakePve.start()
          .template(9000, "pve1", "debian-12", "local-lvm")
          .template(9001, "pve1", "alma-9", "local-lvm")
          .token("vmtree@pve!apply", secret, FakePve.VMTREE_ROLE);

  @AfterEach
  void stop() {
    pve.close();
  }

  private EngineScenario tree(String extraFields) {
    return new EngineScenario(dir)
        .write(
            "_folder.yaml",
            "definition:\n"
                + "  hypervisors:\n"
                + "    pve:\n"
                + "      type: proxmox\n"
                + "      host: \""
                + pve.host()
                + "\"\n"
                + "      node: pve1\n"
                + "      storage: local-lvm\n"
                + "      token_id: \"vmtree@pve!apply\"\n"
                + "      token_secret: \"${env:PVE_TOKEN}\"\n"
                + "      fingerprint: \""
                + pve.fingerprint()
                + "\"\n"
                + "      vmid_range: 10000-10999\n"
                + extraFields
                + "  use_hypervisor: pve\n"
                + "  prototypes:\n"
                + "    small: {base_image: debian-12, vcpu: 2, memory: 2GiB}\n"
                + "  use_prototype: small\n");
  }

  private CliRun run(EngineScenario s, String... args) {
    CliRun run = s.vmtree(env, args);
    outputs.add(run);
    return run;
  }

  private CliRun ok(EngineScenario s, String... args) {
    CliRun run = run(s, args);
    assertEquals(0, run.exitCode(), () -> EngineScenario.describe(args, run));
    return run;
  }

  @Test
  void deployUpdateReplaceAndUndeploy() throws IOException {
    EngineScenario s = tree("");
    s.write("lab/web1.yaml", "definition: {tags: {env: lab}, description: the web}\n");
    ok(s, "validate", "TREE");
    ok(s, "apply", "TREE", "--auto-approve");
    Map<Integer, Map<String, String>> vms = pve.vms();
    assertEquals(Set.of(10000), vms.keySet());
    Map<String, String> web1 = vms.get(10000);
    assertEquals("web1", web1.get("name"));
    assertEquals("2", web1.get("cores"));
    assertEquals("2048", web1.get("memory"));
    assertEquals("running", web1.get("status"));
    assertEquals("vmtree+lab;env+lab", web1.get("tags"));
    assertTrue(web1.get("description").startsWith("the web\n---\nvmtree-marker: /lab/web1\n"));
    assertEquals("pve1/10000", s.stateDescriptor("/lab/web1").get("vm_id"));
    ok(s, "plan", "TREE", "--detailed-exitcode"); // converged: no changes, no drift

    // growing CPUs of a running VM needs a restart on PVE: blocked, then allowed
    s.write("lab/web1.yaml", "definition: {vcpu: 4, tags: {env: lab}, description: the web}\n");
    CliRun blocked = ok(s, "plan", "TREE");
    assertTrue(blocked.out().contains("requires reboot"), blocked::out);
    s.write(
        "lab/web1.yaml",
        "definition: {vcpu: 4, tags: {env: lab}, description: the web}\n"
            + "lifecycle: {allow_reboot: true}\n");
    ok(s, "apply", "TREE", "--auto-approve");
    assertEquals("4", pve.vms().get(10000).get("cores"));
    assertEquals("running", pve.vms().get(10000).get("status"));
    ok(s, "plan", "TREE", "--detailed-exitcode");

    // a new template replaces the VM
    s.write(
        "lab/web1.yaml",
        "definition: {base_image: alma-9, vcpu: 4, tags: {env: lab}, description: the web}\n"
            + "lifecycle: {allow_reboot: true}\n");
    Map<String, Object> plan = EngineScenario.json(ok(s, "plan", "TREE", "--json").out());
    assertEquals(List.of("replace /lab/web1"), EngineScenario.actions(plan));
    ok(s, "apply", "TREE", "--auto-approve");
    assertEquals(Set.of(10001), pve.vms().keySet());
    assertTrue(pve.vms().get(10001).get("description").contains("vmtree-base-image: alma-9"));
    assertFalse(pve.volumes("local-lvm").contains("local-lvm:vm-10000-disk-0"));

    // removing the file undeploys and deprovisions
    s.delete("lab/web1.yaml");
    ok(s, "apply", "TREE", "--auto-approve");
    assertEquals(Map.of(), pve.vms());
    assertEquals(Map.of(), s.stateDescriptors());
    assertNoSecret(s, null);
  }

  @Test
  void fiftyParallelDeploysGetFiftyIdsAndRideOutLockTimeouts() throws IOException {
    pve.exclusiveTemplateLock(true).cloneMillis(100).lockTimeoutMillis(15);
    EngineScenario s =
        tree(
            "      max_parallel: 50\n"
                + "      clones_per_template: 8\n"
                + "      clones_per_storage: 8\n");
    for (int i = 0; i < 50; i++) {
      s.write(
          "fleet/vm" + i + ".yaml",
          "definition: {base_image: " + (i % 2 == 0 ? "debian-12" : "alma-9") + "}\n");
    }
    ok(s, "apply", "TREE", "--auto-approve", "--parallelism", "50");

    Map<Integer, Map<String, String>> vms = pve.vms();
    assertEquals(50, vms.size());
    Set<String> markers = new HashSet<>();
    vms.values().forEach(vm -> markers.add(vm.get("description").split("vmtree-marker: ")[1]));
    assertEquals(50, markers.size(), "one VM per descriptor");
    Set<Object> ids = new HashSet<>();
    s.stateDescriptors().values().forEach(d -> ids.add(d.get("vm_id")));
    assertEquals(50, ids.size(), "no VMID twice");
    assertTrue(pve.lockTimeouts() > 0, "lock timeouts happened and were retried");
    assertTrue(pve.maxConcurrentClones("template:9000") <= 8);
    ok(s, "plan", "TREE", "--detailed-exitcode");
  }

  @Test
  void aFailedTaskFailsTheStepWithItsLogAndTheNextApplyDoesIt() {
    EngineScenario s = tree("");
    s.write("a.yaml", "definition: {}\n");
    pve.failNextTask("qmclone", "storage 'local-lvm' has not enough free space");
    CliRun failed = run(s, "apply", "TREE", "--auto-approve");
    assertEquals(1, failed.exitCode(), failed::all);
    assertTrue(failed.all().contains("not enough free space"), failed::all);
    assertTrue(failed.all().contains("TASK ERROR"), failed::all);
    assertEquals(Map.of(), pve.vms(), "the failed clone left nothing");

    ok(s, "apply", "TREE", "--auto-approve");
    assertEquals(1, pve.vms().size());
  }

  @Test
  void aNodeThatGoesAwayIsUnreachable() {
    EngineScenario s = tree("");
    s.write("a.yaml", "definition: {}\n");
    ok(s, "apply", "TREE", "--auto-approve");

    pve.offline("pve1", true);
    CliRun plan = run(s, "plan", "TREE", "--json");
    assertEquals(0, plan.exitCode(), plan::all);
    assertTrue(plan.out().contains("\"unreachable\""), plan::out);
    CliRun text = run(s, "plan", "TREE");
    assertTrue(text.all().contains("pve1 is offline"), text::all);
    s.write("a.yaml", "definition: {vcpu: 1}\n");
    CliRun apply = run(s, "apply", "TREE", "--auto-approve");
    assertEquals(0, apply.exitCode(), apply::all);
    assertEquals("2", pve.vms().get(10000).get("cores"), "nothing is changed on an offline node");

    pve.offline("pve1", false);
    s.write("a.yaml", "definition: {}\n");
    ok(s, "plan", "TREE", "--detailed-exitcode");
  }

  @Test
  void aFreshPlanOfAnUnchangedClusterIsOneCallAndStillSeesAChangeBehindVmtreesBack()
      throws IOException {
    EngineScenario s = tree("");
    s.write("lab/a.yaml", "definition: {power: off}\n", "lab/b.yaml", "definition: {}\n");
    ok(s, "apply", "TREE", "--auto-approve");
    // the first refresh after the apply reads the two VMs it made; every later one is the listing
    assertTrue(ok(s, "plan", "TREE").err().contains("with 3 call(s)"), () -> outputs.toString());
    Path cache = s.state().resolve("cache/proxmox/pve.json");
    assertTrue(Files.isRegularFile(cache), "the plan wrote the refresh cache");
    CliRun warm = ok(s, "plan", "TREE", "--detailed-exitcode");
    assertTrue(warm.err().contains("Refreshed 1 hypervisor(s) with 1 call(s)"), warm::err);
    assertTrue(warm.out().contains("No changes"), warm::out);

    // behind vmtree's back, through PVE's own API: a is stopped, so the cores apply at once
    String a = s.stateDescriptor("/lab/a").get("vm_id").toString(); // pve1/VMID
    pve.call(
        "POST",
        "/nodes/" + a.replace("/", "/qemu/") + "/config",
        Map.of("cores", "3"),
        "vmtree@pve!apply");
    CliRun drifted = run(s, "plan", "TREE", "--detailed-exitcode");
    assertEquals(2, drifted.exitCode(), drifted::all);
    assertTrue(drifted.err().contains("with 2 call(s)"), drifted::err);
    assertTrue(drifted.out().contains("vcpu: 3 -> 2"), drifted::out);
    CliRun drift = run(s, "drift", "TREE", "--format", "json");
    assertEquals(2, drift.exitCode(), drift::all);
    assertTrue(drift.out().contains("\"/lab/a\""), drift::out);
    assertTrue(drift.out().contains("vcpu"), drift::out);

    // a corrupt cache costs one full refresh, never an error
    Files.writeString(cache, "{\"format\": 1, \"vms\": {\"pve1/10000\": ");
    CliRun afterCorrupt = run(s, "plan", "TREE", "--detailed-exitcode");
    assertEquals(2, afterCorrupt.exitCode(), afterCorrupt::all);
    assertTrue(afterCorrupt.err().contains("with 3 call(s)"), afterCorrupt::err);
    assertFalse(afterCorrupt.all().contains("cache"), afterCorrupt::all);
    assertTrue(ok(s, "plan", "TREE").err().contains("with 1 call(s)"), () -> outputs.toString());
    assertNoSecret(s, null);
  }

  @Test
  void aClusterThatCannotBeReachedIsAClearError() {
    EngineScenario s = tree("");
    s.write("a.yaml", "definition: {}\n");
    pve.close();
    CliRun apply = run(s, "apply", "TREE", "--auto-approve");
    assertEquals(1, apply.exitCode(), apply::all);
    assertTrue(apply.all().contains("cannot connect to " + pve.host()), apply::all);
    assertFalse(apply.all().contains("Exception"), apply::all);
  }

  @Test
  void aTokenWithoutAPrivilegeGetsAnErrorNamingIt() {
    Set<String> noClone = new HashSet<>(FakePve.VMTREE_ROLE);
    noClone.remove("VM.Clone");
    pve.token("vmtree@pve!apply", secret, noClone);
    EngineScenario s = tree("");
    s.write("a.yaml", "definition: {}\n");
    CliRun apply = run(s, "apply", "TREE", "--auto-approve");
    assertEquals(1, apply.exitCode(), apply::all);
    assertTrue(apply.all().contains("Permission check failed (/vms/9000, VM.Clone)"), apply::all);
    assertTrue(apply.all().contains("lacks the privilege VM.Clone"), apply::all);
  }

  @Test
  void theSecretIsNeverInStatePlanOrOutput() throws IOException {
    EngineScenario s = tree("");
    s.write("lab/a.yaml", "definition: {}\n", "lab/b.yaml", "definition: {power: off}\n");
    Path planFile = dir.resolve("plan.json");
    ok(s, "plan", "TREE", "--out", planFile.toString());
    ok(s, "apply", planFile.toString());
    s.write("lab/a.yaml", "definition: {memory: 1GiB, power: off}\n");
    ok(s, "plan", "TREE", "--json");
    ok(s, "apply", "TREE", "--auto-approve", "--json");
    ok(s, "explain", "TREE", "/lab/a", "--json");
    ok(s, "ops", "list", "--json");
    ok(s, "tree", "TREE");
    assertTrue(Files.isRegularFile(s.state().resolve("cache/proxmox/pve.json")));
    assertNoSecret(s, planFile);
  }

  private void assertNoSecret(EngineScenario s, Path planFile) throws IOException {
    for (CliRun output : outputs) {
      assertFalse(output.all().contains(secret), () -> "the secret in the output: " + output);
    }
    List<Path> files = new ArrayList<>();
    if (planFile != null) {
      files.add(planFile);
    }
    try (Stream<Path> all = Files.walk(s.state())) {
      all.filter(Files::isRegularFile).forEach(files::add);
    }
    assertTrue(files.size() > 2, files::toString);
    for (Path file : files) {
      String content = Files.readString(file, StandardCharsets.ISO_8859_1);
      assertFalse(content.contains(secret), () -> "the secret in " + file);
    }
  }
}
