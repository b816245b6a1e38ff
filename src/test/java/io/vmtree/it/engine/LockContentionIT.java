package io.vmtree.it.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtree.cli.CliRun;
import io.vmtree.engine.EngineScenario;
import io.vmtree.it.engine.VmtreeProcess.Result;
import io.vmtree.it.engine.VmtreeProcess.Running;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §5: every apply holds the state lock; a second apply fails at once naming the holder (user,
 * host, pid, since, command); read-only commands take no lock; {@code force-unlock ID} removes the
 * lock a killed process left behind.
 */
class LockContentionIT {
  private static final Pattern LOCK_ID = Pattern.compile("\\(lock ([0-9a-f]{8})\\)");
  private static final Pattern SINCE = Pattern.compile("since (\\S+)");

  @TempDir Path dir;

  @Test
  void aSecondApplyFailsAtOnceNamingTheHolderAndForceUnlockFreesAKilledHoldersLock()
      throws Exception {
    EngineScenario s = new EngineScenario(dir);
    s.write("_folder.yaml", EngineScenario.rootFolder("latency_ms: 1500, max_parallel: 1"));
    for (int i = 1; i <= 6; i++) {
      s.write("vm" + i + ".yaml", "definition: {}\n");
    }
    String state = s.state().toString();
    String tree = s.tree().toString();
    Running holder =
        VmtreeProcess.start(dir, Map.of(), "--state", state, "apply", tree, "--auto-approve");
    Path lockFile = s.state().resolve("lock.json");
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!Files.exists(lockFile) && holder.process().isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(holder.process().isAlive(), () -> "the holder ended early: " + holder.waitFor());
    assertTrue(Files.exists(lockFile), "the holder never took the lock");

    Result second =
        VmtreeProcess.run(dir, Map.of(), "--state", state, "apply", tree, "--auto-approve");

    assertTrue(holder.process().isAlive(), "the second apply waited for the holder to finish");
    assertEquals(1, second.exitCode(), second::toString);
    String message = second.err();
    assertTrue(message.contains("locked"), message);
    String user = System.getProperty("user.name");
    String host = InetAddress.getLocalHost().getHostName();
    assertTrue(message.contains(user + "@" + host), () -> "user@host in: " + message);
    assertTrue(
        message.contains("pid " + holder.pid()), () -> "pid " + holder.pid() + ": " + message);
    assertTrue(message.contains("apply " + tree), () -> "the holder's command in: " + message);
    Matcher since = SINCE.matcher(message);
    assertTrue(since.find(), message);
    Instant.parse(since.group(1));
    Matcher id = LOCK_ID.matcher(message);
    assertTrue(id.find(), message);
    String lockId = id.group(1);

    assertEquals(0, s.vmtree("plan", "TREE").exitCode(), "plan takes no lock (SPEC §11)");

    holder.kill();
    CliRun afterKill = s.expect(1, "apply", "TREE", "--auto-approve");
    assertTrue(afterKill.err().contains("(lock " + lockId + ")"), afterKill::all);
    assertTrue(afterKill.err().contains("pid " + holder.pid()), afterKill::all);

    CliRun wrongId = s.expect(1, "force-unlock", "00000000");
    assertTrue(wrongId.err().contains(lockId), () -> "names the real lock: " + wrongId.all());
    Result unlock = VmtreeProcess.run(dir, Map.of(), "--state", state, "force-unlock", lockId);
    assertEquals(0, unlock.exitCode(), unlock::toString);
    assertTrue(!Files.exists(lockFile), "force-unlock removed " + lockFile);

    s.write("_folder.yaml", EngineScenario.rootFolder("latency_ms: 0"));
    s.apply();
    s.assertConsistent("sim1");
    assertEquals(
        Set.of("/vm1", "/vm2", "/vm3", "/vm4", "/vm5", "/vm6"), s.vmsByMarker("sim1").keySet());
    s.expect(0, "plan", "TREE", "--detailed-exitcode");
  }

  @Test
  void ofTwoAppliesStartedTogetherExactlyOneRuns() throws Exception {
    EngineScenario s = new EngineScenario(dir);
    s.write("_folder.yaml", EngineScenario.rootFolder("latency_ms: 200, max_parallel: 1"));
    for (int i = 1; i <= 4; i++) {
      s.write("vm" + i + ".yaml", "definition: {}\n");
    }
    String[] apply = {
      "--state", s.state().toString(), "apply", s.tree().toString(), "--auto-approve"
    };

    Running a = VmtreeProcess.start(dir, Map.of(), apply);
    Running b = VmtreeProcess.start(dir, Map.of(), apply);
    Result ra = a.waitFor();
    Result rb = b.waitFor();

    String both = "A: " + ra + "\nB: " + rb;
    Result lost = ra.exitCode() == 0 ? rb : ra;
    Result won = ra.exitCode() == 0 ? ra : rb;
    assertEquals(0, won.exitCode(), both);
    if (lost.exitCode() != 0) {
      assertEquals(1, lost.exitCode(), both);
      assertTrue(lost.err().contains("locked"), both);
    } else {
      assertTrue(
          won.out().contains("Nothing to do") || lost.out().contains("Nothing to do"),
          () -> "both ran, so one came after the other and found nothing to do: " + both);
    }
    s.assertConsistent("sim1");
    assertEquals(Set.of("/vm1", "/vm2", "/vm3", "/vm4"), s.vmsByMarker("sim1").keySet());
  }
}
