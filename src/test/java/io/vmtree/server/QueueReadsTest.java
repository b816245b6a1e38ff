package io.vmtree.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtree.tree.TreePath;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the reads of the API ask the queue, which they ask without its lock: the operations acting
 * on a descriptor (its marks, a folder of them, or a scope above it), the active ones, and one by
 * id.
 */
class QueueReadsTest {
  @TempDir Path dir;

  @Test
  void aDescriptorIsBusyWithTheWritersWhoseMarksOrScopeHoldIt() throws Exception {
    ServeHarness.QueueFixture fixture = ServeHarness.queueIn(dir);
    OperationQueue queue = fixture.queue();
    CountDownLatch applyRunning = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    queue.start(
        t -> {
          if (t.job() instanceof Job.Apply) {
            applyRunning.countDown();
            await(release);
          }
          return OperationQueue.Ended.succeeded(Map.of());
        },
        (t, last) -> {});
    TreePath web1 = TreePath.of("/lab/web1");
    TreePath web2 = TreePath.of("/lab/web2");
    TreePath db1 = TreePath.of("/prod/db1");
    try {
      Tracked apply =
          queue.submit(
              new Job.Apply(1, List.of(TreePath.ROOT), Set.of()),
              "ops",
              List.of(web1, TreePath.of("/lab/sub")));
      assertTrue(applyRunning.await(10, TimeUnit.SECONDS));
      // a writer: waits behind the apply; its marks are its scope
      Tracked refresh =
          queue.submit(new Job.Refresh(List.of(TreePath.of("/prod"))), "ops", List.of());
      // not a writer: never listed as acting on a descriptor
      queue.submit(
          new Job.Plan(List.of(TreePath.ROOT), Set.of(), false, List.of(TreePath.ROOT)),
          "ops",
          List.of());

      assertEquals(List.of(apply), queue.on(web1));
      assertEquals(List.of(apply), queue.on(TreePath.of("/lab/sub/deep/vm")));
      assertEquals(List.of(), queue.on(web2), "a sibling of a mark");
      assertEquals(List.of(), queue.on(TreePath.of("/lab")), "the folder above a mark");
      assertEquals(List.of(refresh), queue.on(db1));
      assertEquals(
          List.of(apply.id(), refresh.id()),
          queue.active().stream().map(Tracked::id).toList().subList(0, 2));
      assertEquals(apply, queue.find(apply.id()).orElseThrow());

      release.countDown();
      refresh.done().get(10, TimeUnit.SECONDS);
      apply.done().get(10, TimeUnit.SECONDS);
      for (int i = 0; i < 100 && !queue.active().isEmpty(); i++) {
        Thread.sleep(20);
      }
      assertEquals(List.of(), queue.active());
      assertEquals(List.of(), queue.on(web1));
      assertEquals(List.of(), queue.on(db1));
      assertEquals("succeeded", queue.find(apply.id()).orElseThrow().operation().status().label());
    } finally {
      release.countDown();
      fixture.close();
    }
  }

  @Test
  void aScopeOfTheRootHoldsEveryDescriptor() {
    Tracked refresh =
        new Tracked(
            7,
            new Job.Refresh(List.of(TreePath.ROOT)),
            "ops",
            java.time.Instant.EPOCH,
            List.of(),
            false);
    assertTrue(refresh.covers(TreePath.of("/any/where/at/all")));
    assertTrue(refresh.covers(TreePath.ROOT));
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
