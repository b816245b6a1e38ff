package io.vmtree.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtree.engine.EngineScenario;
import io.vmtree.state.LocalStateBackend;
import io.vmtree.state.LockInfo;
import io.vmtree.state.StateBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vmtree state list|show|mv|rm} through the real command line on the sim: what they print,
 * what they write (serial, journal, descriptor files), and what they refuse with exit 1.
 */
class StateCommandTest {
  @TempDir Path dir;
  EngineScenario s;

  /** /lab/web1 and /lab/db/pg1 deployed; /lab/spare/s1 and s2 provisioned (target). */
  @BeforeEach
  void deployed() {
    s = new EngineScenario(dir);
    s.write(
        "_folder.yaml",
        EngineScenario.rootFolder("latency_ms: 0"),
        "lab/web1.yaml",
        "definition: {}\n",
        "lab/db/pg1.yaml",
        "definition: {memory: 4GiB}\n",
        "lab/spare/s1.yaml",
        "definition: {}\ntarget: provisioned\n",
        "lab/spare/s2.yaml",
        "definition: {}\ntarget: provisioned\n");
    s.apply();
  }

  long serial() throws IOException {
    return ((Number)
            EngineScenario.json(Files.readString(s.state().resolve("meta.json"))).get("serial"))
        .longValue();
  }

  @Test
  void listShowsFoldersAndDescriptorsWithStatus() {
    String vm = s.stateDescriptor("/lab/web1").get("vm_id").toString();
    String pg = s.stateDescriptor("/lab/db/pg1").get("vm_id").toString();

    assertEquals(
        String.join(
            "\n",
            "PATH           STATUS       HYPERVISOR  VM_ID",
            "/lab           folder       -           -",
            "/lab/db        folder       -           -",
            "/lab/db/pg1    deployed     sim1        " + pg,
            "/lab/spare     folder       -           -",
            "/lab/spare/s1  provisioned  -           -",
            "/lab/spare/s2  provisioned  -           -",
            "/lab/web1      deployed     sim1        " + vm,
            ""),
        s.ok("state", "list").out());
  }

  @Test
  void listOfAFolderIsItsSubtreeAndOfADescriptorJustIt() {
    assertEquals(
        List.of("/lab/db", "/lab/db/pg1"),
        s.ok("state", "list", "/lab/db").out().lines().skip(1).map(l -> l.split(" ")[0]).toList());
    assertEquals(
        List.of("/lab/web1"),
        s.ok("state", "list", "/lab/web1")
            .out()
            .lines()
            .skip(1)
            .map(l -> l.split(" ")[0])
            .toList());

    Map<String, Object> json =
        EngineScenario.json(s.ok("state", "list", "/lab/spare", "--json").out());
    assertEquals("1", json.get("format_version"));
    assertEquals(
        List.of(
            Map.of("full_name", "/lab/spare", "kind", "folder", "status", "folder"),
            entry("/lab/spare/s1"),
            entry("/lab/spare/s2")),
        json.get("entries"));

    CliRun missing = s.expect(1, "state", "list", "/nowhere");
    assertEquals(
        "error: no descriptor or folder /nowhere in the state; see vmtree state list\n",
        missing.err());
    CliRun bad = s.expect(1, "state", "list", "/bad name");
    assertTrue(bad.err().contains("PATH"), bad::all);
  }

  private static Map<String, Object> entry(String path) {
    Map<String, Object> entry = new java.util.LinkedHashMap<>();
    entry.put("full_name", path);
    entry.put("kind", "descriptor");
    entry.put("status", "provisioned");
    entry.put("hypervisor", null);
    entry.put("vm_id", null);
    return entry;
  }

  @Test
  void listOfAnEmptyStateSaysSo() {
    EngineScenario empty = new EngineScenario(dir.resolve("empty"));
    CliRun run = empty.ok("state", "list");
    assertEquals("", run.out());
    assertTrue(run.err().contains("holds nothing yet"), run::all);
  }

  @Test
  void showPrintsThePersistedDescriptorAsJson() {
    Map<String, Object> shown = EngineScenario.json(s.ok("state", "show", "/lab/db/pg1").out());
    Map<String, Object> file = s.stateDescriptor("/lab/db/pg1");

    assertEquals("descriptor", shown.get("kind"));
    for (String key :
        List.of(
            "full_name",
            "status",
            "vm_id",
            "hypervisor",
            "local_definition",
            "deployed_config",
            "last_error",
            "last_operation",
            "lifecycle",
            "depends_on",
            "pending")) {
      assertEquals(file.get(key), shown.get(key), key);
    }
    assertEquals(Map.of("memory", "4GiB"), shown.get("local_definition"));
  }

  @Test
  void showOfAFolderListsWhatItHolds() {
    Map<String, Object> shown = EngineScenario.json(s.ok("state", "show", "/lab/spare").out());

    assertEquals("folder", shown.get("kind"));
    assertEquals(true, shown.get("recorded"));
    assertEquals(
        List.of(
            Map.of("full_name", "/lab/spare/s1", "status", "provisioned"),
            Map.of("full_name", "/lab/spare/s2", "status", "provisioned")),
        shown.get("descriptors"));
    s.expect(1, "state", "show", "/lab/nothing");
  }

  @Test
  void showNeverPrintsASecret() {
    EngineScenario t = new EngineScenario(dir.resolve("secret"));
    t.write(
        "_folder.yaml",
        "definition:\n"
            + "  hypervisors:\n"
            + "    sim1: {type: sim, host: rack-a, user: admin, password: hunter2-literal}\n"
            + "  use_hypervisor: sim1\n"
            + "  base_image: debian-12\n"
            + "  vcpu: 1\n"
            + "  memory: 1GiB\n",
        "vm.yaml",
        "definition:\n  hypervisors:\n    sim1: {password: hunter2-local}\n");
    t.apply();

    String shown = t.ok("state", "show", "/vm").out();

    assertFalse(shown.contains("hunter2"), shown);
    assertTrue(shown.contains("(sensitive)"), shown);
  }

  @Test
  void mvRenamesAProvisionedDescriptorJournaledAndRaisesTheSerial() throws IOException {
    long before = serial();
    long lastOp = s.lastOpId();

    CliRun run = s.ok("state", "mv", "/lab/spare/s1", "/lab/spare/renamed");

    assertTrue(run.out().startsWith("Moved /lab/spare/s1 to /lab/spare/renamed\n"), run::all);
    assertTrue(serial() > before, "the serial rose");
    assertNull(s.stateDescriptor("/lab/spare/s1"));
    Map<String, Object> moved = s.stateDescriptor("/lab/spare/renamed");
    assertEquals("provisioned", moved.get("status"));
    Map<String, Object> op = s.op("state_mv", "/lab/spare/s1", lastOp);
    assertEquals("succeeded", op.get("status"));
    assertEquals(List.of("/lab/spare/s1", "/lab/spare/renamed"), op.get("targets"));
    assertEquals(
        ((Map<?, ?>) moved.get("last_operation")).get("id"),
        ((Number) op.get("id")).intValue(),
        "the descriptor records the operation");
    assertFalse(Files.exists(s.state().resolve("lock.json")), "the lock was released");
  }

  @Test
  void mvOfAFolderMovesItsSubtreeAndItsRecordedFolders() {
    s.ok("state", "mv", "/lab/spare", "/archive/old-spare");

    assertEquals(
        List.of(
            "/archive/old-spare",
            "/archive/old-spare/s1",
            "/archive/old-spare/s2",
            "/lab",
            "/lab/db",
            "/lab/db/pg1",
            "/lab/web1"),
        s.ok("state", "list").out().lines().skip(1).map(l -> l.split(" ")[0]).toList());
    try {
      Files.createDirectories(s.tree().resolve("archive"));
      Files.move(s.tree().resolve("lab/spare"), s.tree().resolve("archive/old-spare"));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertEquals(
        List.of("create_folder /archive"),
        EngineScenario.actions(s.plan()),
        "with the files renamed too, only /archive (never recorded) is new");
  }

  @Test
  void mvOfADeployedDescriptorIsRefusedPointingAtMovedEntries() {
    CliRun refused = s.expect(1, "state", "mv", "/lab/web1", "/prod/web1");

    assertTrue(refused.err().contains("/lab/web1 is deployed"), refused::all);
    assertTrue(refused.err().contains("moved:"), refused::all);
    assertTrue(refused.err().contains("{from: /lab/web1, to: /prod/web1}"), refused::all);
    assertNotNull(s.stateDescriptor("/lab/web1"), "nothing changed");

    CliRun folder = s.expect(1, "state", "mv", "/lab", "/prod");
    assertTrue(folder.err().contains("/lab/db/pg1 is deployed"), folder::all);
    assertTrue(folder.err().contains("/lab/web1 is deployed"), folder::all);
    assertTrue(folder.err().contains("- {from: /lab/db/pg1, to: /prod/db/pg1}"), folder::all);
    assertTrue(folder.err().contains("- {from: /lab/web1, to: /prod/web1}"), folder::all);
    assertNotNull(s.stateDescriptor("/lab/spare/s1"), "a refused move moves nothing");
  }

  @Test
  void mvRefusesWhatCannotBe() {
    long lastOp = s.lastOpId();
    assertRefused("no descriptor or folder /lab/nothing", "state", "mv", "/lab/nothing", "/x");
    assertRefused("a descriptor of that name", "state", "mv", "/lab/spare/s1", "/lab/spare/s2");
    assertRefused("a folder of that name", "state", "mv", "/lab/spare/s1", "/lab/db");
    assertRefused("/lab/web1 is a descriptor", "state", "mv", "/lab/spare/s1", "/lab/web1/s1");
    assertRefused("into itself", "state", "mv", "/lab/spare", "/lab/spare/inner");
    assertRefused("root folder", "state", "mv", "/", "/x");
    s.expect(1, "state", "mv", "/lab/spare/s1");
    CliRun badName = s.expect(1, "state", "mv", "/lab/spare/s1", "/lab/bad name");
    assertTrue(badName.err().contains("TO"), badName::all);
    assertEquals(lastOp, s.lastOpId(), "refusals are not journaled");
    assertNotNull(s.stateDescriptor("/lab/spare/s1"));
  }

  private void assertRefused(String message, String... args) {
    CliRun run = s.expect(1, args);
    assertTrue(run.err().startsWith("error: ") && run.err().contains(message), run::all);
  }

  @Test
  void rmForgetsWithoutDestroyingEvenUnderPreventDestroy() throws IOException {
    s.write("lab/web1.yaml", "definition: {}\nlifecycle: {prevent_destroy: true}\n");
    s.apply();
    String vm = s.stateDescriptor("/lab/web1").get("vm_id").toString();
    s.delete("lab/web1.yaml");
    CliRun refused = s.expect(1, "plan", "TREE");
    assertTrue(refused.err().contains("vmtree state rm /lab/web1"), refused::all);
    long before = serial();
    long lastOp = s.lastOpId();

    CliRun run = s.ok("state", "rm", "/lab/web1");

    assertTrue(
        run.out()
            .contains("Removed /lab/web1 (VM " + vm + " on sim1 is kept and no longer managed)"),
        run::all);
    assertNull(s.stateDescriptor("/lab/web1"));
    assertNotNull(s.vm("sim1", vm), "the VM is still there");
    assertTrue(serial() > before);
    Map<String, Object> op = s.op("state_rm", "/lab/web1", lastOp);
    assertEquals("succeeded", op.get("status"));
    assertEquals(
        List.of(Map.of("full_name", "/lab/web1", "hypervisor", "sim1", "vm_id", vm)),
        ((Map<?, ?>) op.get("result")).get("kept_vms"));
    Map<String, Object> plan = s.plan();
    assertEquals(List.of(), EngineScenario.actions(plan), "nothing to destroy any more");
    assertEquals(
        List.of("orphaned /lab/web1"),
        EngineScenario.drift(plan).stream()
            .map(d -> d.get("kind") + " " + d.get("full_name"))
            .toList(),
        "the VM still carries the marker of a path the state forgot");
  }

  @Test
  void rmOfAFolderForgetsItsSubtreeAndSeveralPathsAtOnce() {
    s.ok("state", "rm", "/lab/db", "/lab/spare/s2");

    assertEquals(
        List.of("/lab", "/lab/spare", "/lab/spare/s1", "/lab/web1"),
        s.ok("state", "list").out().lines().skip(1).map(l -> l.split(" ")[0]).toList());
    assertEquals(
        1, s.vms("sim1").stream().filter(v -> "/lab/db/pg1".equals(v.get("marker"))).count());
  }

  @Test
  void rmRefusesUnknownPathsAndTheRootChangingNothing() {
    long lastOp = s.lastOpId();
    assertRefused(
        "no descriptor or folder /lab/nothing", "state", "rm", "/lab/web1", "/lab/nothing");
    assertNotNull(s.stateDescriptor("/lab/web1"), "all or nothing");
    assertRefused("whole state", "state", "rm", "/");
    s.expect(1, "state", "rm");
    assertEquals(lastOp, s.lastOpId(), "refusals are not journaled");
  }

  @Test
  void forceUnlockRefusesAHolderStillRunningOnThisHostUnlessForced() {
    StateBackend state = LocalStateBackend.of(s.state());
    // this JVM holds it: a process of this host that is alive
    StateBackend.StateLock lock = state.lock(LocalStateBackend.currentProcess("apply lab"));
    String id = lock.info().id();
    Path lockFile = s.state().resolve("lock.json");

    CliRun refused = s.expect(1, "force-unlock", id);

    assertTrue(refused.err().contains("is still running on this host"), refused::all);
    assertTrue(refused.err().contains("--force"), refused::all);
    assertTrue(Files.exists(lockFile), "the lock stays");
    s.ok("force-unlock", "--force", id);
    assertFalse(Files.exists(lockFile), "--force removed it");
  }

  @Test
  void aLockHeldElsewhereStopsMvAndRmNamingTheHolder() {
    StateBackend state = LocalStateBackend.of(s.state());
    LockInfo other =
        new LockInfo(
            "0badcafe",
            "alice",
            "ci-runner-7",
            4242,
            Instant.parse("2026-01-02T03:04:05Z"),
            "apply prod");
    try (StateBackend.StateLock lock = state.lock(other)) {
      for (String[] args :
          List.of(
              new String[] {"state", "rm", "/lab/web1"},
              new String[] {"state", "mv", "/lab/spare/s1", "/lab/spare/s9"})) {
        CliRun run = s.expect(1, args);
        assertTrue(
            run.err()
                .contains(
                    "the state is locked: held by alice@ci-runner-7 (pid 4242) since"
                        + " 2026-01-02T03:04:05Z for: apply prod (lock 0badcafe)"),
            run::all);
        assertTrue(run.err().contains("vmtree force-unlock 0badcafe"), run::all);
      }
      assertNotNull(s.stateDescriptor("/lab/web1"));
      assertNotNull(s.stateDescriptor("/lab/spare/s1"));
      CliRun list = s.ok("state", "list");
      assertTrue(list.out().contains("/lab/web1"), "reading takes no lock");
    }
  }

  @Test
  void opsListFiltersByStatusAndKeepsTheNewestLast() {
    s.write("lab/bad.yaml", "definition: {base_image: missing-image}\n");
    s.expect(1, "apply", "TREE", "--auto-approve");
    List<Map<String, Object>> all = s.ops();

    List<String> failed =
        s.ok("ops", "list", "--status", "failed").out().lines().map(String::strip).toList();
    assertEquals(1, failed.size(), () -> String.join("\n", failed));
    assertTrue(failed.get(0).matches("\\d+ +deploy +failed +/lab/bad .*"), failed.get(0));

    List<String> lastTwo = s.ok("ops", "list", "--limit", "2").out().lines().toList();
    assertEquals(2, lastTwo.size());
    long newest = ((Number) all.get(all.size() - 1).get("id")).longValue();
    assertTrue(
        lastTwo.get(1).strip().startsWith(newest + " "), () -> lastTwo + " ends with " + newest);

    Map<String, Object> json =
        EngineScenario.json(
            s.ok("ops", "list", "--status", "SUCCEEDED", "--limit", "1", "--json").out());
    List<?> ops = (List<?>) json.get("operations");
    assertEquals(1, ops.size());
    assertEquals("succeeded", ((Map<?, ?>) ops.get(0)).get("status"));
    assertEquals("", s.ok("ops", "list", "--limit", "0").out());

    CliRun bad = s.expect(1, "ops", "list", "--status", "done");
    assertTrue(
        bad.err().contains("expected one of pending, running, succeeded, failed, skipped"),
        bad::all);
    CliRun negative = s.expect(1, "ops", "list", "--limit", "-1");
    assertTrue(negative.err().contains("--limit must be 0 or more"), negative::all);
    CliRun unknown = s.expect(1, "ops", "show", "99999");
    assertTrue(unknown.err().contains("no operation 99999"), unknown::all);
  }
}
