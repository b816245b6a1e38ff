package io.vmtree.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The HTTP pool keeps its size under load and grows only while its threads are all stuck. */
class ConnectionPoolTest {
  @Test
  void busyButMovingItKeepsItsSize() throws Exception {
    ConnectionPool pool = new ConnectionPool(2, 16, "test-pool", () -> {});
    CountDownLatch done = new CountDownLatch(2_000);
    for (int i = 0; i < 2_000; i++) {
      pool.execute(
          () -> {
            busyFor(50_000); // 50 µs of work each, 0.1 s in all: the queue moves all the time
            done.countDown();
          });
    }

    assertTrue(done.await(30, TimeUnit.SECONDS));
    assertEquals(2, pool.threads());
    pool.stop(1);
  }

  @Test
  void stuckItAddsThreadsForWhatWaits() throws Exception {
    ConnectionPool pool = new ConnectionPool(2, 16, "test-pool", () -> {});
    CountDownLatch silent = new CountDownLatch(1);
    CountDownLatch answered = new CountDownLatch(1);
    pool.execute(() -> await(silent)); // two clients that never send their request
    pool.execute(() -> await(silent));
    long start = System.nanoTime();

    pool.execute(answered::countDown); // the health check

    assertTrue(answered.await(5, TimeUnit.SECONDS), "answered despite the stuck threads");
    long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(waited >= ConnectionPool.STALL_MILLIS / 2, "not before a stall: " + waited + " ms");
    assertTrue(pool.threads() > 2, "grew: " + pool.threads());
    silent.countDown();
    pool.stop(1);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void busyFor(long nanos) {
    long end = System.nanoTime() + nanos;
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
  }
}
