package io.vmtree.server;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Lowers the CPU priority of the calling thread (Linux: its nice value), so that the threads
 * answering requests take CPU from the operations' threads only when those leave some.
 *
 * <p>Why this way: Java has no call for a thread's nice value, and {@code Thread.setPriority} does
 * nothing on Linux unless the JVM runs with {@code -XX:ThreadPriorityPolicy=1}, which prints a
 * warning at every start for a user other than root, and as root also raises the JIT compiler's
 * threads. Linux keeps a nice value per thread and lets any user raise their own, so the thread
 * asks {@code renice} (util-linux, on every Debian) for its own id, read from {@code
 * /proc/thread-self}. A thread started by a lowered thread inherits its nice value and cannot get
 * back (that needs root): the service starts the threads that run operations from its own thread,
 * never from one answering a request.
 */
final class Nice {
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  private Nice() {}

  /**
   * {@return a factory of daemon threads named by {@code name} that lower themselves by {@code
   * increment} before their first task}
   */
  static ThreadFactory lowered(Supplier<String> name, int increment, PrintWriter log) {
    return task -> {
      Thread t =
          new Thread(
              () -> {
                lowerThisThread(increment, log);
                task.run();
              },
              name.get());
      t.setDaemon(true);
      return t;
    };
  }

  /** Lowers the calling thread by {@code increment} (nothing for 0); a failure is logged once. */
  static void lowerThisThread(int increment, PrintWriter log) {
    if (increment <= 0) {
      return;
    }
    String why;
    try {
      Path self = Files.readSymbolicLink(Path.of("/proc/thread-self")); // PID/task/TID
      String tid = self.getFileName().toString();
      Process renice =
          new ProcessBuilder("renice", "-n", Integer.toString(increment), "-p", tid)
              .redirectErrorStream(true)
              .start();
      String said =
          new String(renice.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (renice.waitFor(10, TimeUnit.SECONDS) && renice.exitValue() == 0) {
        return;
      }
      why = "renice failed: " + said;
    } catch (IOException | UnsupportedOperationException e) {
      why = e.toString(); // not Linux, or no renice
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (WARNED.compareAndSet(false, true)) {
      log.println(
          "cannot lower the CPU priority of the threads reading and answering requests ("
              + why
              + "); they run at the priority of the operations (--http-nice)");
      log.flush();
    }
  }
}
