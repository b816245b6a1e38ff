package io.vmtree.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtree.tree.TreePath;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link OperationQueue#withoutWriters}, what a drift run goes through: it never runs beside an
 * operation that writes the state, and the writers that come while it waits or runs wait for it.
 */
class QueueQuietReadTest {
  @TempDir Path dir;

  @Test
  void aQuietReadWaitsForTheRunningWriterAndGoesBeforeTheNextOne() throws Exception {
    ServeHarness.QueueFixture fixture = ServeHarness.queueIn(dir);
    OperationQueue queue = fixture.queue();
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch firstRunning = new CountDownLatch(1);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    queue.start(
        t -> {
          events.add("writer " + t.requestedBy() + " starts");
          if (t.requestedBy().equals("first")) {
            firstRunning.countDown();
            await(releaseFirst);
          }
          events.add("writer " + t.requestedBy() + " ends");
          return OperationQueue.Ended.succeeded(Map.of());
        },
        (t, last) -> {});
    try {
      Job refresh = new Job.Refresh(List.of(TreePath.ROOT));
      queue.submit(refresh, "first", List.of(TreePath.ROOT));
      assertTrue(firstRunning.await(10, TimeUnit.SECONDS));

      CountDownLatch readStarted = new CountDownLatch(1);
      CountDownLatch releaseRead = new CountDownLatch(1);
      CompletableFuture<String> read =
          CompletableFuture.supplyAsync(
              () ->
                  queue.withoutWriters(
                      () -> {
                        events.add("read starts");
                        readStarted.countDown();
                        await(releaseRead);
                        events.add("read ends");
                        return "report";
                      }));
      assertTrue(!readStarted.await(300, TimeUnit.MILLISECONDS), "read beside a writer");

      releaseFirst.countDown();
      assertTrue(readStarted.await(10, TimeUnit.SECONDS));
      Tracked second = queue.submit(refresh, "second", List.of(TreePath.ROOT));
      Thread.sleep(300);
      assertTrue(!events.contains("writer second starts"), "a writer beside the read: " + events);

      releaseRead.countDown();
      assertEquals("report", read.get(10, TimeUnit.SECONDS));
      second.done().get(10, TimeUnit.SECONDS);
      assertEquals(
          List.of(
              "writer first starts",
              "writer first ends",
              "read starts",
              "read ends",
              "writer second starts",
              "writer second ends"),
          events);
    } finally {
      releaseFirst.countDown();
      fixture.close();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(30, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
