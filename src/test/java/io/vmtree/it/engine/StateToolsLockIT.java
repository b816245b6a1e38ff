package io.vmtree.it.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtree.engine.EngineScenario;
import io.vmtree.it.engine.VmtreeProcess.Result;
import io.vmtree.it.engine.VmtreeProcess.Running;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §11: {@code state mv|rm} and {@code import} take the state lock. While another vmtree
 * process applies, each fails at once naming that process, changes nothing, and works once the
 * apply is done; {@code state list} reads without the lock meanwhile.
 */
class StateToolsLockIT {
  @TempDir Path dir;

  @Test
  void stateToolsFailAtOnceWhileAnotherProcessAppliesAndWorkAfterIt() throws Exception {
    EngineScenario s = new EngineScenario(dir);
    s.write(
        "_folder.yaml",
        EngineScenario.rootFolder("latency_ms: 0"),
        "keep.yaml",
        "definition: {}\ntarget: provisioned\n");
    s.apply();
    s.ok("sim", "add", "sim1", "legacy");
    s.write(
        "_folder.yaml",
        EngineScenario.rootFolder("latency_ms: 1000, max_parallel: 1"),
        "vm1.yaml",
        "definition: {}\n",
        "vm2.yaml",
        "definition: {}\n",
        "vm3.yaml",
        "definition: {}\n",
        "legacy.yaml",
        "definition: {}\n");
    Running holder =
        VmtreeProcess.start(
            dir,
            Map.of(),
            "--state",
            s.state().toString(),
            "apply",
            s.tree().toString(),
            "--auto-approve",
            "--target",
            "/vm1",
            "--target",
            "/vm2",
            "--target",
            "/vm3");
    Path lockFile = s.state().resolve("lock.json");
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!Files.exists(lockFile) && holder.process().isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(Files.exists(lockFile), () -> "the holder never took the lock: " + holder.waitFor());

    String[][] mutations = {
      {"state", "rm", "/keep"},
      {"state", "mv", "/keep", "/kept"},
      {"import", "TREE", "/legacy", "vm-000001"},
    };
    for (String[] args : mutations) {
      long start = System.nanoTime();
      var run = s.expect(1, args);
      assertTrue(System.nanoTime() - start < 20_000_000_000L, "failed at once, without waiting");
      assertTrue(
          run.err().contains("the state is locked: held by"),
          () -> String.join(" ", args) + run.all());
      assertTrue(run.err().contains("(pid " + holder.pid() + ")"), run::all);
      assertTrue(run.err().contains("for: apply " + s.tree()), run::all);
      assertTrue(run.err().contains("It is still running (pid " + holder.pid() + ")"), run::all);
    }
    assertTrue(s.ok("state", "list").out().contains("/keep"), "state list reads without the lock");
    assertTrue(holder.process().isAlive(), "the holder was still applying throughout");

    Result applied = holder.waitFor();
    assertEquals(0, applied.exitCode(), applied::toString);
    assertNotNull(s.stateDescriptor("/keep"), "the refused rm changed nothing");
    s.ok("state", "mv", "/keep", "/kept");
    s.ok("state", "rm", "/kept");
    assertNull(s.stateDescriptor("/kept"));
    s.ok("import", "TREE", "/legacy", "vm-000001");
    assertEquals("vm-000001", s.stateDescriptor("/legacy").get("vm_id"));
  }
}
