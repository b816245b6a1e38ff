package io.vmtree.it.vsphere;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtree.it.vsphere.VmtreeCli.Result;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * vmtree on a vCenter, through the CLI, against the simulator: one tree of 30 VMs over 3 folders,
 * taken through its whole life in order (each step builds on the one before).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VsphereCliIT {
  private static final String TEMPLATE = "tmpl-small";
  private static final List<String> FOLDERS = List.of("lab", "web", "db");

  @TempDir static Path dir;
  private static Vcsim vcsim;
  private static Path tree;
  private static final List<Result> outputs = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    vcsim = Vcsim.start(3, 1);
    try (VsphereAdmin admin = VsphereAdmin.connect(vcsim)) {
      admin.makeTemplate("DC0_C0_RP0_VM0", TEMPLATE);
    }
    tree = dir.resolve("tree");
    writeRoot();
    for (String folder : FOLDERS) {
      StringBuilder vms = new StringBuilder("vms:\n");
      for (int i = 1; i <= 10; i++) {
        String name = folder.charAt(0) + String.format("%02d", i);
        vms.append("  ").append(name).append(": {definition: {tags: {tier: ").append(folder);
        vms.append("}}");
        if (folder.equals("db")) {
          vms.append(", lifecycle: {allow_reboot: true}");
        }
        vms.append("}\n");
      }
      write(folder + "/_folder.yaml", vms.toString());
    }
  }

  private static void writeRoot() {
    write(
        "_folder.yaml",
        "definition:\n"
            + "  hypervisors:\n"
            + "    vc1:\n"
            + "      type: vmware\n"
            + "      host: \""
            + vcsim.hostPort()
            + "\"\n"
            + "      user: vmtree\n"
            + "      password: \"${env:VC_PASSWORD}\"\n"
            + "      thumbprint: \""
            + vcsim.thumbprint()
            + "\"\n"
            + "      datacenter: DC0\n"
            + "      cluster: DC0_C0\n"
            + "      vm_folder: vmtree\n"
            + "      max_parallel: 8\n"
            + "    sim1: {type: sim, max_parallel: 4}\n"
            + "  use_hypervisor: vc1\n"
            + "  prototypes:\n"
            + "    small: {base_image: "
            + TEMPLATE
            + ", vcpu: 1, memory: 1GiB}\n"
            + "  use_prototype: small\n"
            + "  description: managed by vmtree\n");
  }

  @AfterAll
  static void stop() {
    if (vcsim != null) {
      vcsim.close();
    }
  }

  private static void write(String path, String text) {
    try {
      Path file = tree.resolve(path);
      Files.createDirectories(file.getParent());
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Result vmtree(String... args) {
    return vmtreeWithPassword(Vcsim.PASSWORD, args);
  }

  private static Result vmtreeWithPassword(String password, String... args) {
    List<String> all = new ArrayList<>(List.of("--state", dir.resolve("state").toString()));
    all.addAll(List.of(args));
    Result result = VmtreeCli.run(dir, Map.of("VC_PASSWORD", password), all.toArray(String[]::new));
    outputs.add(result);
    return result;
  }

  private static List<VsphereAdmin.Vm> managed(VsphereAdmin admin) throws Exception {
    return admin.vms().stream()
        .filter(vm -> vm.annotation() != null && vm.annotation().contains("[vmtree]"))
        .toList();
  }

  @Test
  @Order(1)
  void deploysThirtyVmsOverThreeFoldersFromATemplate() throws Exception {
    Result apply = vmtree("apply", "tree", "--auto-approve");
    assertEquals(0, apply.exitCode(), apply.toString());

    try (VsphereAdmin admin = VsphereAdmin.connect(vcsim)) {
      List<VsphereAdmin.Vm> vms = managed(admin);
      assertEquals(30, vms.size(), vms.toString());
      Map<List<String>, Long> perFolder =
          vms.stream()
              .collect(Collectors.groupingBy(VsphereAdmin.Vm::folder, Collectors.counting()));
      assertEquals(
          Map.of(
              List.of("vmtree", "lab"), 10L,
              List.of("vmtree", "web"), 10L,
              List.of("vmtree", "db"), 10L),
          perFolder);
      VsphereAdmin.Vm w01 = admin.vm("w01");
      assertEquals(1, w01.vcpu());
      assertEquals(1024, w01.memoryMib());
      assertTrue(w01.poweredOn());
      assertTrue(
          w01.annotation().startsWith("managed by vmtree\n\n[vmtree]\nfull_name=/web/w01\n"),
          w01.annotation());
      assertTrue(w01.annotation().contains("tag.tier=web"), w01.annotation());
    }
    Result plan = vmtree("plan", "tree", "--detailed-exitcode");
    assertEquals(0, plan.exitCode(), plan.toString());
  }

  @Test
  @Order(2)
  void changesCpuAndMemoryInPlaceWithTheRebootTheDescriptorAllows() throws Exception {
    String before;
    try (VsphereAdmin admin = VsphereAdmin.connect(vcsim)) {
      before = admin.vm("d01").uuid();
    }
    write(
        "db/_folder.yaml",
        Files.readString(tree.resolve("db/_folder.yaml"))
            .replace("vms:", "definition: {vcpu: 2, memory: 2GiB}\nvms:"));

    Result plan = vmtree("plan", "tree");
    assertEquals(0, plan.exitCode(), plan.toString());
    assertTrue(plan.out().contains("requires reboot"), plan.out());

    Result apply = vmtree("apply", "tree", "--auto-approve");
    assertEquals(0, apply.exitCode(), apply.toString());
    try (VsphereAdmin admin = VsphereAdmin.connect(vcsim)) {
      VsphereAdmin.Vm d01 = admin.vm("d01");
      assertEquals(before, d01.uuid(), "changed in place, not replaced");
      assertEquals(2, d01.vcpu());
      assertEquals(2048, d01.memoryMib());
      assertTrue(d01.poweredOn(), "powered on again after the change");
    }
    assertEquals(0, vmtree("plan", "tree", "--detailed-exitcode").exitCode());
  }

  @Test
  @Order(3)
  void powersOffAndOn() throws Exception {
    String lab = Files.readString(tree.resolve("lab/_folder.yaml"));
    write(
        "lab/_folder.yaml", lab.replace("l01: {definition: {", "l01: {definition: {power: off, "));
    assertEquals(0, vmtree("apply", "tree", "--auto-approve").exitCode());
    try (VsphereAdmin admin = VsphereAdmin.connect(vcsim)) {
      assertFalse(admin.vm("l01").poweredOn());
    }
    write("lab/_folder.yaml", lab);
    assertEquals(0, vmtree("apply", "tree", "--auto-approve").exitCode());
    try (VsphereAdmin admin = VsphereAdmin.connect(vcsim)) {
      assertTrue(admin.vm("l01").poweredOn());
    }
  }

  @Test
  @Order(4)
  void aMovedEntryMovesTheVmInVcenter() throws Exception {
    String uuid;
    try (VsphereAdmin admin = VsphereAdmin.connect(vcsim)) {
      uuid = admin.vm("l02").uuid();
    }
    String lab = Files.readString(tree.resolve("lab/_folder.yaml"));
    write("lab/_folder.yaml", lab.replaceAll("  l02: .*\n", ""));
    write(
        "web/_folder.yaml",
        Files.readString(tree.resolve("web/_folder.yaml"))
            + "  w99: {definition: {tags: {tier: lab}}}\n");
    write(
        "_folder.yaml",
        Files.readString(tree.resolve("_folder.yaml"))
            + "moved:\n  - {from: /lab/l02, to: /web/w99}\n");

    Result apply = vmtree("apply", "tree", "--auto-approve");
    assertEquals(0, apply.exitCode(), apply.toString());
    try (VsphereAdmin admin = VsphereAdmin.connect(vcsim)) {
      VsphereAdmin.Vm moved = admin.vm("w99");
      assertEquals(uuid, moved.uuid(), "the same VM, moved and renamed, not re-cloned");
      assertEquals(List.of("vmtree", "web"), moved.folder());
      assertTrue(moved.annotation().contains("full_name=/web/w99"), moved.annotation());
      assertTrue(admin.vms().stream().noneMatch(vm -> vm.name().equals("l02")));
    }
    assertEquals(0, vmtree("plan", "tree", "--detailed-exitcode").exitCode());
  }

  @Test
  @Order(5)
  void driftBehindVmtreesBackShowsInThePlan() throws Exception {
    try (VsphereAdmin admin = VsphereAdmin.connect(vcsim)) {
      admin.setCpus("w03", 6);
    }
    Result plan = vmtree("plan", "tree", "--detailed-exitcode", "--json");
    assertEquals(2, plan.exitCode(), plan.toString());
    assertTrue(plan.out().contains("\"/web/w03\""), plan.out());
    assertTrue(plan.out().contains("\"vcpu\""), plan.out());

    Result text = vmtree("plan", "tree");
    assertTrue(text.out().contains("requires reboot"), "6 -> 1 CPUs shrinks a running VM: " + text);

    // web VMs may not be power-cycled (no allow_reboot): apply leaves it, and says why
    Result apply = vmtree("apply", "tree", "--auto-approve");
    assertTrue(
        apply.all().contains("blocked") || apply.all().contains("allow_reboot"), apply.toString());
    try (VsphereAdmin admin = VsphereAdmin.connect(vcsim)) {
      assertEquals(6, admin.vm("w03").vcpu(), "not power-cycled without allow_reboot");
      admin.setCpus("w03", 1);
    }
    assertEquals(0, vmtree("plan", "tree", "--detailed-exitcode").exitCode());
  }

  @Test
  @Order(6)
  void undeploysWithAndWithoutKeepingTheDisks() throws Exception {
    String lab = Files.readString(tree.resolve("lab/_folder.yaml"));
    lab = lab.replace("l03: {definition: {", "l03: {lifecycle: {keep_disks: true}, definition: {");
    write("lab/_folder.yaml", lab);
    assertEquals(0, vmtree("apply", "tree", "--auto-approve").exitCode()); // recorded in state
    write(
        "lab/_folder.yaml",
        lab.replace("l03: {", "l03: {target: provisioned, ")
            .replace("l04: {definition: {", "l04: {target: provisioned, definition: {"));

    Result apply = vmtree("apply", "tree", "--auto-approve");
    assertEquals(0, apply.exitCode(), apply.toString());
    try (VsphereAdmin admin = VsphereAdmin.connect(vcsim)) {
      assertTrue(
          admin.vms().stream().noneMatch(vm -> vm.name().equals("l03") || vm.name().equals("l04")));
    }
    // SPEC §11: the kept disks are in the undeploy operation's result in the journal
    List<String> journal = Files.readAllLines(dir.resolve("state/journal.jsonl"));
    String l03 = undeployOf(journal, "/lab/l03");
    assertTrue(l03.contains("\"kept_disks\":[\"[LocalDS_0] "), l03);
    assertTrue(l03.contains(".vmdk"), l03);
    assertFalse(undeployOf(journal, "/lab/l04").contains(".vmdk"));
    assertEquals(0, vmtree("plan", "tree", "--detailed-exitcode").exitCode());
  }

  private static String undeployOf(List<String> journal, String path) {
    return journal.stream()
        .filter(line -> line.contains("\"undeploy\"") && line.contains("\"" + path + "\""))
        .reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no undeploy of " + path + " in " + journal));
  }

  @Test
  @Order(7)
  void aWrongPasswordIsAClearErrorAndExitOne() {
    Result plan = vmtreeWithPassword("not-the-password", "plan", "tree");
    assertEquals(1, plan.exitCode(), plan.toString());
    assertTrue(plan.err().contains("login refused"), plan.toString());
    assertFalse(plan.all().contains("Exception"), plan.toString());
    assertFalse(plan.all().contains("not-the-password"), plan.toString());
  }

  @Test
  @Order(8)
  void theSimulatorStoppedMidApplyLeavesDescriptorsUnreachableAndARerunConverges()
      throws Exception {
    for (int i = 1; i <= 3; i++) {
      write("sims/s" + i + ".yaml", "definition: {use_hypervisor: sim1}\n");
    }
    for (int i = 11; i <= 40; i++) {
      write(
          "web/_folder.yaml",
          Files.readString(tree.resolve("web/_folder.yaml")) + "  w" + i + ": {}\n");
    }
    VmtreeCli.Running apply =
        VmtreeCli.start(
            dir,
            Map.of("VC_PASSWORD", Vcsim.PASSWORD),
            "--state",
            dir.resolve("state").toString(),
            "apply",
            "tree",
            "--auto-approve",
            "--parallelism",
            "2");
    long deadline = System.currentTimeMillis() + 120_000;
    while (!Files.readString(apply.out()).contains("done   deploy /web/w1")
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(5);
    }
    vcsim.close(); // the vCenter goes away in the middle of the apply
    Result interrupted = apply.waitFor();
    outputs.add(interrupted);
    assertEquals(1, interrupted.exitCode(), interrupted.toString());

    Result outline = vmtree("tree", "tree");
    assertTrue(
        outline.out().lines().anyMatch(l -> l.contains("s1") && l.contains("deployed")),
        "the sim hypervisor is unaffected: " + outline);
    Result plan = vmtree("plan", "tree", "--json");
    assertEquals(0, plan.exitCode(), plan.toString());
    assertTrue(plan.out().contains("unreachable"), plan.out());

    // the vCenter comes back (the simulator keeps nothing: the VMs are redeployed)
    vcsim = Vcsim.start(3, 1);
    try (VsphereAdmin admin = VsphereAdmin.connect(vcsim)) {
      admin.makeTemplate("DC0_C0_RP0_VM0", TEMPLATE);
    }
    String root = Files.readString(tree.resolve("_folder.yaml"));
    writeRoot();
    write(
        "_folder.yaml",
        Files.readString(tree.resolve("_folder.yaml")) + root.substring(root.indexOf("moved:")));
    Result rerun = vmtree("apply", "tree", "--auto-approve");
    assertEquals(0, rerun.exitCode(), rerun.toString());
    Result settled = vmtree("plan", "tree", "--detailed-exitcode");
    assertEquals(0, settled.exitCode(), settled.toString());
    try (VsphereAdmin admin = VsphereAdmin.connect(vcsim)) {
      assertEquals(58, managed(admin).size());
    }
  }

  @Test
  @Order(9)
  void theSecretIsNeverInStatePlanOrOutput() throws Exception {
    Path planFile = dir.resolve("saved.plan");
    Result plan = vmtree("plan", "tree", "--out", planFile.toString());
    assertEquals(0, plan.exitCode(), plan.toString());
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    for (Path file : files) {
      if (file.startsWith(dir.resolve("tree"))) {
        continue;
      }
      byte[] bytes = Files.readAllBytes(file);
      assertFalse(
          new String(bytes, StandardCharsets.ISO_8859_1).contains(Vcsim.PASSWORD),
          "the password is in " + file);
    }
    for (Result result : outputs) {
      assertFalse(result.all().contains(Vcsim.PASSWORD), result.toString());
    }
    assertNotEquals(0, outputs.size());
  }
}
