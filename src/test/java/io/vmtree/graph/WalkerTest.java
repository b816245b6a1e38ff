package io.vmtree.graph;

import static io.vmtree.graph.DagTest.graph;
import static io.vmtree.graph.DagTest.words;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The walker, with runners that record what they saw. Nothing here sleeps: where a test needs
 * vertices to overlap it makes them wait for each other on latches, with a timeout that only turns
 * a broken walker into a failure instead of a hang.
 */
@Timeout(60)
class WalkerTest {
  private static final long PATIENCE_SECONDS = 10;

  private final Walker<String> walker = Walker.create();

  // --- order and bounds ----------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          one at a time                     | 1  | 1
          a few threads on a sparse graph   | 3  | 2
          many threads on a dense graph     | 16 | 3
          more threads than vertices        | 64 | 1
          """)
  void everyDependencyFinishesBeforeItsDependentStarts(String reason, int parallelism, int seed) {
    Dag<String> dag = randomGraph(200, seed);
    AtomicLong clock = new AtomicLong();
    Map<String, Long> started = new ConcurrentHashMap<>();
    Map<String, Long> finished = new ConcurrentHashMap<>();

    WalkResult<String> result =
        walker.walk(
            dag,
            parallelism,
            v -> null,
            v -> {
              started.put(v, clock.incrementAndGet());
              finished.put(v, clock.incrementAndGet());
              return Outcome.succeeded();
            });

    assertTrue(result.isSuccess());
    assertEquals(dag.vertices(), result.succeeded());
    for (Edge<String> edge : dag.edges()) {
      assertTrue(finished.get(edge.from()) < started.get(edge.to()), edge::toString);
    }
  }

  @Test
  void aDiamondJoinsAfterBothArms() {
    Dag<String> dag = graph("a b c d", "a>b a>c b>d c>d");
    CountDownLatch bothArms = new CountDownLatch(2);
    List<String> log = Collections.synchronizedList(new ArrayList<>());

    WalkResult<String> result =
        walker.walk(
            dag,
            4,
            v -> null,
            v -> {
              log.add(v);
              if (v.equals("b") || v.equals("c")) {
                bothArms.countDown();
                awaitOrFail(bothArms);
              }
              return Outcome.succeeded();
            });

    assertTrue(result.isSuccess());
    assertEquals("a", log.get(0));
    assertEquals(Set.of("b", "c"), Set.copyOf(log.subList(1, 3)));
    assertEquals("d", log.get(3));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          a single thread           | 1
          a few threads             | 3
          as many threads as cores  | 8
          """)
  void parallelismIsReachedAndNeverExceeded(String reason, int parallelism) {
    Dag<String> dag = graph(names("v", 40), null);
    CountDownLatch full = new CountDownLatch(parallelism);
    Concurrency concurrency = new Concurrency();

    WalkResult<String> result =
        walker.walk(
            dag,
            parallelism,
            v -> null,
            v ->
                concurrency.during(
                    () -> {
                      full.countDown();
                      awaitOrFail(full);
                    }));

    assertTrue(result.isSuccess(), result::toString);
    assertEquals(parallelism, concurrency.max());
  }

  @Test
  void aSaturatedLimiterHoldsBackOnlyItsOwnGroup() {
    Map<String, Semaphore> groups =
        Map.of("a", new Semaphore(1), "b", new Semaphore(2), "f", new Semaphore(100));
    Dag<String> dag = graph(names("a", 5) + " " + names("b", 6) + " " + names("f", 6), null);
    Map<String, Concurrency> concurrency =
        Map.of("a", new Concurrency(), "b", new Concurrency(), "f", new Concurrency());
    CountDownLatch othersDone = new CountDownLatch(12);
    CountDownLatch twoOfB = new CountDownLatch(2);

    WalkResult<String> result =
        walker.walk(
            dag,
            3,
            v -> v.startsWith("f") ? null : groups.get(v.substring(0, 1)),
            v ->
                concurrency
                    .get(v.substring(0, 1))
                    .during(
                        () -> {
                          if (v.equals("a0")) {
                            awaitOrFail(othersDone);
                          } else if (v.startsWith("b")) {
                            twoOfB.countDown();
                            awaitOrFail(twoOfB);
                          }
                          if (!v.startsWith("a")) {
                            othersDone.countDown();
                          }
                        }));

    assertTrue(result.isSuccess(), result::toString);
    assertEquals(1, concurrency.get("a").max());
    assertEquals(2, concurrency.get("b").max());
    assertEquals(1, groups.get("a").availablePermits());
    assertEquals(2, groups.get("b").availablePermits());
  }

  @Test
  void aPermitHeldOutsideTheWalkIsWaitedFor() throws Exception {
    Semaphore shared = new Semaphore(1);
    shared.acquire();
    Dag<String> dag = graph("a b", "a>b");
    Thread releaser = new Thread(shared::release);
    releaser.start();

    WalkResult<String> result = walker.walk(dag, 2, v -> shared, v -> Outcome.succeeded());

    releaser.join();
    assertTrue(result.isSuccess());
    assertEquals(1, shared.availablePermits());
  }

  // --- failures ------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      textBlock =
          """
          nothing fails                         | 2 | -   | a b c d x y | -   | -
          a failing root skips its diamond      | 2 | a   | x y         | a   | b c d
          a failing arm skips only the join     | 1 | b   | a c x y     | b   | d
          a failing arm, in parallel            | 4 | b   | a c x y     | b   | d
          a failing join skips nothing          | 2 | d   | a b c x y   | d   | -
          two failures skip both descendants    | 3 | c x | a b         | c x | d y
          """)
  void aFailureSkipsExactlyItsTransitiveDependents(
      String reason,
      int parallelism,
      String failing,
      String succeeded,
      String failed,
      String skipped) {
    Dag<String> dag = graph("a b c d x y", "a>b a>c b>d c>d x>y");
    Set<String> ran = ConcurrentHashMap.newKeySet();

    WalkResult<String> result =
        walker.walk(
            dag,
            parallelism,
            v -> null,
            v -> {
              ran.add(v);
              return words(failing).contains(v) ? Outcome.failed("broken") : Outcome.succeeded();
            });

    assertEquals(words(succeeded), result.succeeded());
    assertEquals(words(failed), result.failed());
    assertEquals(words(skipped), result.skipped());
    assertEquals(failing == null, result.isSuccess());
    assertFalse(ran.stream().anyMatch(words(skipped)::contains), "a skipped vertex ran");
    assertFalse(result.cancelled());
  }

  @Test
  void aSkipNamesItsDirectDependencyAndTheFailureUpstream() {
    WalkResult<String> result =
        walker.walk(
            graph("a b c", "a>b b>c"),
            2,
            v -> null,
            v -> v.equals("a") ? Outcome.failed("broken") : Outcome.succeeded());

    assertEquals(new Outcome.Skipped<>("upstream a failed", "a"), result.outcome("b"));
    assertEquals(new Outcome.Skipped<>("upstream a failed", "b"), result.outcome("c"));
    assertEquals(Outcome.Status.SKIPPED, result.outcome("c").status());
  }

  @Test
  void aRunnerMaySkipAndItsDependentsAreSkippedToo() {
    WalkResult<String> result =
        walker.walk(
            graph("a b c", "a>b"),
            2,
            v -> null,
            v -> v.equals("a") ? Outcome.skipped("nothing to do") : Outcome.succeeded());

    assertEquals(new Outcome.Skipped<>("nothing to do", null), result.outcome("a"));
    assertEquals(new Outcome.Skipped<>("upstream a was skipped", "a"), result.outcome("b"));
    assertEquals(List.of("c"), result.succeeded());
  }

  static Stream<Arguments> runnerFailures() {
    IOException io = new IOException("disk gone");
    IllegalStateException bare = new IllegalStateException();
    AssertionError error = new AssertionError("invariant");
    return Stream.of(
        arguments("a checked exception", throwing(io), "disk gone", io),
        arguments("an exception without a message", throwing(bare), bare.toString(), bare),
        arguments("an error", throwing(error), "invariant", error),
        arguments(
            "a failed outcome",
            (VertexRunner<String>) v -> Outcome.failed("quota"),
            "quota",
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runnerFailures")
  void whateverTheRunnerThrowsFailsOnlyThatVertex(
      String reason, VertexRunner<String> failing, String message, Throwable cause) {
    WalkResult<String> result =
        walker.walk(
            graph("a b c", "a>b"),
            2,
            v -> null,
            v -> v.equals("a") ? failing.run(v) : Outcome.succeeded());

    Outcome.Failed<String> failed = assertInstanceOf(Outcome.Failed.class, result.outcome("a"));
    assertEquals(message, failed.message());
    assertSame(cause, failed.cause());
    assertEquals(List.of("b"), result.skipped());
    assertEquals(List.of("c"), result.succeeded());
  }

  @Test
  void aNullOutcomeIsAFailure() {
    WalkResult<String> result = walker.walk(graph("a", null), 1, v -> null, v -> null);

    Outcome.Failed<String> failed = assertInstanceOf(Outcome.Failed.class, result.outcome("a"));
    assertInstanceOf(NullPointerException.class, failed.cause());
  }

  // --- preparing ahead -----------------------------------------------------------------------

  @Test
  void afterAFirstTurnTheVerticesAfterTheNextTurnArePrepared() {
    List<String> prepared = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch sixAndSeven = new CountDownLatch(2);

    WalkResult<String> result =
        walker
            .withPreparer(
                batch -> {
                  prepared.addAll(batch);
                  batch.stream()
                      .filter(List.of("v6", "v7")::contains)
                      .forEach(v -> sixAndSeven.countDown());
                })
            .walk(
                graph(names("v", 12), null),
                2,
                v -> null,
                v -> {
                  if (v.equals("v11")) {
                    // what is handed and not yet taken when the walk ends is dropped: keep it going
                    awaitOrFail(sixAndSeven);
                  }
                  return Outcome.succeeded();
                });

    assertTrue(result.isSuccess());
    // v0 and v1 start at once, v2 and v3 when they end: nothing is prepared during the first
    // turn; once it ended, v4 and v5 start next (a preparation would only hold them up), and v6
    // and v7 are handed over
    assertTrue(prepared.containsAll(List.of("v6", "v7")), prepared::toString);
    assertTrue(
        Collections.disjoint(prepared, List.of("v0", "v1", "v2", "v3", "v4", "v5")),
        prepared::toString);
    assertEquals(Set.copyOf(prepared).size(), prepared.size(), "prepared twice: " + prepared);
  }

  @Test
  void theWalkReturnsOnlyOnceNoPreparationRuns() {
    CountDownLatch preparationBegun = new CountDownLatch(1);
    CountDownLatch lastVertexRan = new CountDownLatch(1);
    AtomicBoolean preparationEnded = new AtomicBoolean();

    WalkResult<String> result =
        walker
            .withPreparer(
                batch -> {
                  if (batch.contains("v6")) {
                    preparationBegun.countDown();
                    awaitOrFail(lastVertexRan);
                    preparationEnded.set(true);
                  }
                })
            .walk(
                graph(names("v", 8), null),
                2,
                v -> null,
                v -> {
                  if (v.equals("v7")) {
                    // the walk cannot end before v7 does, nor v7 before v6's preparation began
                    awaitOrFail(preparationBegun);
                    lastVertexRan.countDown();
                  }
                  return Outcome.succeeded();
                });

    assertTrue(result.isSuccess());
    assertTrue(preparationEnded.get(), "the walk returned while v6 was being prepared");
  }

  @Test
  void aPreparerThatThrowsChangesNothing() {
    WalkResult<String> result =
        walker
            .withPreparer(
                batch -> {
                  throw new IllegalStateException("cannot prepare " + batch);
                })
            .walk(graph(names("v", 20), null), 3, v -> null, v -> Outcome.succeeded());

    assertTrue(result.isSuccess());
    assertEquals(20, result.succeeded().size());
  }

  // --- stopping ------------------------------------------------------------------------------

  @Test
  void aStopRequestLeavesTheUnstartedVerticesCancelled() {
    AtomicBoolean stop = new AtomicBoolean();
    Set<String> ran = ConcurrentHashMap.newKeySet();

    WalkResult<String> result =
        walker
            .withStopRequested(stop::get)
            .walk(
                graph("a b c d", "b>d"),
                1,
                v -> null,
                v -> {
                  ran.add(v);
                  stop.set(true);
                  return Outcome.succeeded();
                });

    assertEquals(Set.of("a"), ran);
    assertEquals(List.of("a"), result.succeeded());
    assertEquals(new Outcome.Skipped<>(Walker.CANCELLED, null), result.outcome("b"));
    assertEquals(new Outcome.Skipped<>(Walker.CANCELLED, null), result.outcome("d"));
    assertTrue(result.cancelled());
  }

  @Test
  void aStopRequestLetsTheRunningVerticesFinish() {
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch stopSent = new CountDownLatch(1);

    WalkResult<String> result =
        walker
            .withStopRequested(stop::get)
            .walk(
                graph("a b c", null),
                2,
                v -> null,
                v -> {
                  if (v.equals("a")) {
                    stop.set(true);
                    stopSent.countDown();
                  } else {
                    awaitOrFail(stopSent);
                  }
                  return Outcome.succeeded();
                });

    assertEquals(List.of("a", "b"), result.succeeded());
    assertEquals(List.of("c"), result.skipped());
    assertTrue(result.cancelled());
  }

  @Test
  void anInterruptStopsTheWalkAndIsKept() {
    Thread walking = Thread.currentThread();

    WalkResult<String> result =
        walker.walk(
            graph("a b", null),
            1,
            v -> null,
            v -> {
              walking.interrupt();
              return Outcome.succeeded();
            });

    assertTrue(Thread.interrupted());
    assertEquals(List.of("a"), result.succeeded());
    assertEquals(List.of("b"), result.skipped());
    assertTrue(result.cancelled());
  }

  // --- listener ------------------------------------------------------------------------------

  @Test
  void theListenerHearsEveryVertexInOrderOneCallAtATime() {
    List<String> events = new ArrayList<>(); // not synchronized: the calls come one at a time
    Concurrency calls = new Concurrency();
    WalkListener<String> listener =
        new WalkListener<>() {
          @Override
          public void started(String vertex) {
            calls.during(() -> events.add("started " + vertex));
          }

          @Override
          public void finished(String vertex, Outcome<String> outcome) {
            calls.during(() -> events.add("finished " + vertex + " " + outcome.status()));
          }
        };

    walker
        .withListener(listener)
        .walk(
            graph("a b c", "a>b"),
            1,
            v -> null,
            v -> v.equals("a") ? Outcome.failed("broken") : Outcome.succeeded());

    assertEquals(
        List.of(
            "started a",
            "finished a FAILED",
            "finished b SKIPPED",
            "started c",
            "finished c SUCCEEDED"),
        events);

    walker
        .withListener(listener)
        .walk(graph(names("v", 40), null), 8, v -> null, v -> Outcome.succeeded());
    assertEquals(5 + 2 * 40, events.size());
    assertEquals(1, calls.max(), "the listener was called by two threads at once");
  }

  @Test
  void aThrowingListenerEndsTheWalkOnceTheRunningVerticesFinish() {
    CountDownLatch refused = new CountDownLatch(1);
    AtomicBoolean aFinished = new AtomicBoolean();
    Semaphore limit = new Semaphore(2);
    WalkListener<String> listener =
        new WalkListener<>() {
          @Override
          public void started(String vertex) {
            if (vertex.equals("b")) {
              refused.countDown();
              throw new IllegalStateException("listener broke");
            }
          }
        };

    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                walker
                    .withListener(listener)
                    .walk(
                        graph("a b c", null),
                        2,
                        v -> limit,
                        v -> {
                          awaitOrFail(refused);
                          aFinished.set(true);
                          return Outcome.succeeded();
                        }));

    assertEquals("listener broke", e.getMessage());
    assertTrue(aFinished.get());
    assertEquals(2, limit.availablePermits());
  }

  // --- edges of the contract -----------------------------------------------------------------

  @Test
  void anEmptyGraphSucceeds() {
    WalkResult<String> result =
        walker.walk(Dag.<String>builder().build(), 1, v -> null, v -> Outcome.succeeded());
    assertTrue(result.isSuccess());
    assertEquals(Map.of(), result.outcomes());
  }

  @Test
  void parallelismBelowOneIsRejected() {
    Dag<String> dag = graph("a", null);
    assertThrows(
        IllegalArgumentException.class,
        () -> walker.walk(dag, 0, v -> null, v -> Outcome.succeeded()));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          a chain, one thread       | chain | 1
          a chain, many threads     | chain | 8
          a wide graph, one thread  | wide  | 1
          a wide graph, many        | wide  | 8
          """)
  void aHundredThousandVerticesWalkQuickly(String reason, String shape, int parallelism) {
    int n = 100_000;
    Dag<Integer> dag = shape.equals("chain") ? chain(n) : wide(n);
    AtomicInteger runs = new AtomicInteger();

    WalkResult<Integer> result =
        Walker.<Integer>create()
            .walk(
                dag,
                parallelism,
                v -> null,
                v -> {
                  runs.incrementAndGet();
                  return Outcome.succeeded();
                });

    assertTrue(result.isSuccess());
    assertEquals(n, runs.get());
  }

  @Test
  void aFailureAtTheHeadOfALongChainSkipsTheRestWithoutRecursion() {
    int n = 100_000;
    WalkResult<Integer> result =
        Walker.<Integer>create()
            .walk(
                chain(n),
                4,
                v -> null,
                v -> v == 0 ? Outcome.failed("broken") : Outcome.succeeded());

    assertEquals(List.of(0), result.failed());
    assertEquals(n - 1, result.skipped().size());
    assertEquals(new Outcome.Skipped<>("upstream 0 failed", n - 2), result.outcome(n - 1));
  }

  // --- helpers -------------------------------------------------------------------------------

  /** Counts the runners inside {@link #during} at once and the most there ever were. */
  static final class Concurrency {
    private final AtomicInteger current = new AtomicInteger();
    private final AtomicInteger max = new AtomicInteger();

    <V> Outcome<V> during(Runnable body) {
      int now = current.incrementAndGet();
      max.accumulateAndGet(now, Math::max);
      try {
        body.run();
      } finally {
        current.decrementAndGet();
      }
      return Outcome.succeeded();
    }

    int max() {
      return max.get();
    }
  }

  static void awaitOrFail(CountDownLatch latch) {
    try {
      if (!latch.await(PATIENCE_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException("waited in vain: the walker did not run enough at once");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static VertexRunner<String> throwing(Throwable thrown) {
    return v -> {
      if (thrown instanceof Exception e) {
        throw e;
      }
      throw (Error) thrown;
    };
  }

  static String names(String prefix, int count) {
    StringBuilder names = new StringBuilder();
    for (int i = 0; i < count; i++) {
      names.append(prefix).append(i).append(' ');
    }
    return names.toString().trim();
  }

  /** {@return vertices added in a shuffled order, each depending on up to three earlier ones} */
  static Dag<String> randomGraph(int size, int seed) {
    Random random = new Random(seed);
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      order.add(i);
    }
    Collections.shuffle(order, random);
    Dag.Builder<String> builder = Dag.builder();
    order.forEach(i -> builder.addVertex("v" + i));
    for (int i = 1; i < size; i++) {
      for (int k = random.nextInt(4); k > 0; k--) {
        builder.addEdge("v" + random.nextInt(i), "v" + i);
      }
    }
    return builder.build();
  }

  static Dag<Integer> chain(int n) {
    Dag.Builder<Integer> builder = Dag.builder();
    for (int i = 1; i < n; i++) {
      builder.addEdge(i - 1, i);
    }
    return builder.build();
  }

  static Dag<Integer> wide(int n) {
    Dag.Builder<Integer> builder = Dag.builder();
    for (int i = 0; i < n; i++) {
      builder.addVertex(i);
    }
    return builder.build();
  }
}
