package io.vmtree.state;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A second process for {@link StateLockTest}: {@code LockProbe DIR try} takes the lock and releases
 * it (exit 0) or prints its holder (exit 3); {@code LockProbe DIR hold} takes it, prints {@code
 * held ID} and keeps it until its standard input is closed.
 */
public final class LockProbe {
  static final int LOCKED = 3;

  private LockProbe() {}

  public static void main(String[] args) throws IOException {
    LocalStateBackend state = LocalStateBackend.of(Path.of(args[0]));
    try (StateBackend.StateLock lock = state.lock(LocalStateBackend.currentProcess("probe"))) {
      System.out.println((args[1].equals("hold") ? "held " : "locked ") + lock.info().id());
      System.out.flush();
      if (args[1].equals("hold")) {
        while (System.in.read() >= 0) {
          // wait for the test to close our input
        }
      }
    } catch (LockedException e) {
      System.out.println("locked-by " + e.holder().id() + " pid " + e.holder().pid());
      System.exit(LOCKED);
    }
  }
}
