package io.vmtree.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state lock of {@link LocalStateBackend}: within this process and against another one. */
class StateLockTest {
  @TempDir Path dir;

  private LocalStateBackend state() {
    return LocalStateBackend.of(dir);
  }

  @Test
  void aSecondLockFailsAtOnceNamingTheHolder() {
    LocalStateBackend state = state();
    LockInfo first = LocalStateBackend.currentProcess("apply examples/lab");

    try (StateBackend.StateLock lock = state.lock(first)) {
      assertEquals(first, lock.info());
      assertEquals(first, state.lockHolder().orElseThrow());
      LockedException e =
          assertThrows(
              LockedException.class,
              () -> LocalStateBackend.of(dir).lock(LocalStateBackend.currentProcess("apply")));
      assertEquals(first, e.holder());
    }

    assertTrue(state.lockHolder().isEmpty());
    state.lock(LocalStateBackend.currentProcess("apply")).close();
  }

  @Test
  void closingALockThatWasForceUnlockedLeavesTheNewHoldersLock() {
    LocalStateBackend state = state();
    LockInfo first = LocalStateBackend.currentProcess("first");
    StateBackend.StateLock stale = state.lock(first);
    state.forceUnlock(first.id());
    LockInfo second = LocalStateBackend.currentProcess("second");

    try (StateBackend.StateLock lock = state.lock(second)) {
      stale.close();
      assertEquals(lock.info(), state.lockHolder().orElseThrow());
    }
  }

  @Test
  void forceUnlockNeedsTheHoldersId() {
    LocalStateBackend state = state();
    StateException notLocked = assertThrows(StateException.class, () -> state.forceUnlock("x"));
    assertEquals("the state is not locked", notLocked.getMessage());

    LockInfo holder = LocalStateBackend.currentProcess("apply examples/lab");
    state.lock(holder);
    StateException wrongId =
        assertThrows(StateException.class, () -> state.forceUnlock("deadbeef"));
    assertEquals(
        "no lock with id deadbeef; the state is locked: " + holder.describe(),
        wrongId.getMessage());

    state.forceUnlock(holder.id());
    assertTrue(state.lockHolder().isEmpty());
  }

  @Test
  void theLockHolderDescribesThisProcess() {
    LockInfo info = LocalStateBackend.currentProcess("apply examples/lab");
    assertTrue(info.id().matches("[0-9a-f]{8}"), info.id());
    assertEquals(ProcessHandle.current().pid(), info.pid());
    assertEquals(System.getProperty("user.name"), info.user());
    assertFalse(info.host().isEmpty());
    assertEquals("apply examples/lab", info.command());
  }

  @Test
  void anotherProcessCannotTakeTheLockWeHold() throws Exception {
    try (StateBackend.StateLock lock = state().lock(LocalStateBackend.currentProcess("test"))) {
      Probe probe = Probe.start(dir, "try");
      LockInfo ours = lock.info();
      assertEquals("locked-by " + ours.id() + " pid " + ours.pid(), probe.firstLine());
      assertEquals(LockProbe.LOCKED, probe.exitCode());
    }
    Probe free = Probe.start(dir, "try");
    String line = free.firstLine();
    assertTrue(line.startsWith("locked "), line);
    assertEquals(0, free.exitCode());
    assertTrue(state().lockHolder().isEmpty());
  }

  @Test
  void weCannotTakeTheLockAnotherProcessHolds() throws Exception {
    Probe probe = Probe.start(dir, "hold");
    String held = probe.firstLine();
    assertTrue(held.startsWith("held "), held);

    LockedException e =
        assertThrows(
            LockedException.class, () -> state().lock(LocalStateBackend.currentProcess("test")));
    assertEquals(held.substring("held ".length()), e.holder().id());
    assertEquals(probe.process.pid(), e.holder().pid());

    probe.process.getOutputStream().close();
    assertEquals(0, probe.exitCode());
    state().lock(LocalStateBackend.currentProcess("test")).close();
  }

  private record Probe(Process process, BufferedReader out) {
    static Probe start(Path dir, String mode) throws IOException {
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      Process process =
          new ProcessBuilder(
                  java.toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  LockProbe.class.getName(),
                  dir.toString(),
                  mode)
              .redirectErrorStream(true)
              .start();
      return new Probe(
          process,
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)));
    }

    String firstLine() throws IOException {
      String line = out.readLine();
      return line == null ? "(no output)" : line;
    }

    int exitCode() throws InterruptedException {
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the probe did not finish");
      return process.exitValue();
    }
  }
}
