package io.vmtree.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vmtree.ops.OperationStatus;
import io.vmtree.state.StateBackend;
import io.vmtree.tree.TreePath;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When an operation is answered as final: once its records are durable (the journal, the state's
 * log), not after the descriptors' files are written (the next operation's saves wait for those:
 * {@code LocalStateBackend}'s checkpoint lock).
 */
class QueueAnswerTest {
  @TempDir Path dir;

  @Test
  void anOperationIsAnsweredOnceItsRecordsAreDurableBeforeTheStateFilesAreWritten()
      throws Exception {
    PrintWriter log = new PrintWriter(new StringWriter());
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch releaseFiles = new CountDownLatch(1);
    try (HeldState held = HeldState.open(dir.resolve("state"), "serve test", log)) {
      StateBackend state = recording(held, events, releaseFiles);
      OperationQueue queue =
          new OperationQueue(state, new QueueFiles(dir.resolve("queue")), Clock.systemUTC(), log);
      queue.start(
          t -> {
            events.add("runs " + t.requestedBy());
            return OperationQueue.Ended.succeeded(Map.of());
          },
          (t, last) -> {});
      try {
        Job refresh = new Job.Refresh(List.of(TreePath.ROOT));
        Tracked first = queue.submit(refresh, "first", List.of(TreePath.ROOT));

        // answered while the files of its writes are still being written
        assertEquals(
            OperationStatus.SUCCEEDED, first.done().get(10, TimeUnit.SECONDS).status(), "first");
        assertEquals(List.of("runs first", "records synced"), List.copyOf(events).subList(0, 2));

        releaseFiles.countDown();
        assertEquals(
            List.of("runs first", "records synced", "files written"), waitForSize(events, 3));
      } finally {
        releaseFiles.countDown();
        queue.close(Duration.ofSeconds(10));
      }
    }
  }

  /**
   * {@code held}, recording its syncs in {@code events}; writing the files ({@link
   * StateBackend#sync}) waits for {@code releaseFiles}.
   */
  private static StateBackend recording(
      HeldState held, List<String> events, CountDownLatch releaseFiles) {
    return (StateBackend)
        Proxy.newProxyInstance(
            StateBackend.class.getClassLoader(),
            new Class<?>[] {StateBackend.class},
            (proxy, method, args) -> {
              switch (method.getName()) {
                case "syncRecords" -> events.add("records synced");
                case "sync" -> {
                  releaseFiles.await(10, TimeUnit.SECONDS);
                  events.add("files written");
                }
                default -> {}
              }
              try {
                return method.invoke(held, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  private static List<String> waitForSize(List<String> events, int size)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (events.size() < size && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    return List.copyOf(events);
  }
}
