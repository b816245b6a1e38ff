package io.vmtree.connector.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtree.connector.ConnectorException;
import io.vmtree.connector.ConnectorException.Kind;
import io.vmtree.connector.DeleteResult;
import io.vmtree.connector.HypervisorConfig;
import io.vmtree.connector.HypervisorSession;
import io.vmtree.connector.LiveVm;
import io.vmtree.connector.PowerAction;
import io.vmtree.connector.VmSpec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The connector contract of {@code HypervisorSession}, held by the real sim on a temp world. */
class SimConnectorTest {
  @TempDir Path dir;

  static HypervisorConfig config(Path stateDir, Map<String, Object> settings) {
    return new HypervisorConfig("sim1", "sim", settings, UnaryOperator.identity(), stateDir);
  }

  HypervisorSession connect(Object... settings) {
    Map<String, Object> map = new HashMap<>();
    for (int i = 0; i < settings.length; i += 2) {
      map.put((String) settings[i], settings[i + 1]);
    }
    return new SimConnector().connect(config(dir, map));
  }

  SimWorld world() {
    return SimWorld.at(dir.resolve("sim/sim1"));
  }

  /**
   * {@return the world through a symbolic link}: read on its own, as another process would, where
   * {@link #world()} shares what the sessions of this JVM have read
   */
  SimWorld otherProcessView() throws Exception {
    Path link = dir.resolve("sim1-link");
    if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      Files.createSymbolicLink(link, Files.createDirectories(dir.resolve("sim/sim1")));
    }
    return SimWorld.at(link);
  }

  static VmSpec spec(String fullName) {
    String[] segments = fullName.substring(1).split("/");
    return new VmSpec(
        segments[segments.length - 1],
        List.of(segments).subList(0, segments.length - 1),
        fullName,
        "debian-12",
        2,
        4096,
        true,
        Map.of("env", "lab"),
        "a web server");
  }

  @Test
  void createMakesAVmWithAnIdAndOneDisk() throws Exception {
    try (HypervisorSession session = connect()) {
      LiveVm vm = session.create(spec("/lab/web1"));

      assertEquals(
          new LiveVm(
              "vm-000001",
              "web1",
              List.of("lab"),
              2,
              4096,
              true,
              Map.of("env", "lab"),
              "a web server",
              "/lab/web1",
              "debian-12",
              List.of("vm-000001-disk0")),
          vm);
      assertEquals(List.of(vm), session.list());
      List<String> log = Files.readAllLines(dir.resolve("sim/sim1/world.jsonl"));
      assertEquals(1, log.size(), "one line a change");
      assertTrue(log.get(0).startsWith("{\"vm\":{\"id\":\"vm-000001\""), log.get(0));
    }
  }

  @Test
  void createWithAMarkerAlreadyOnAVmReturnsThatVm() {
    try (HypervisorSession session = connect()) {
      LiveVm first = session.create(spec("/lab/web1"));
      LiveVm again = session.create(spec("/lab/web1"));
      LiveVm other = session.create(spec("/lab/web2"));

      assertEquals(first, again);
      assertEquals("vm-000002", other.id());
      assertEquals(2, session.list().size());
    }
    try (HypervisorSession later = connect()) {
      assertEquals("vm-000001", later.create(spec("/lab/web1")).id());
      assertEquals(2, later.list().size());
    }
  }

  @Test
  void createOfAMissingImageIsRejectedAndMakesNothing() {
    try (HypervisorSession session = connect()) {
      VmSpec spec = spec("/lab/web1");
      VmSpec missing =
          new VmSpec(
              spec.name(),
              spec.folder(),
              spec.marker(),
              "missing-x",
              2,
              4096,
              true,
              Map.of(),
              null);

      ConnectorException e = assertThrows(ConnectorException.class, () -> session.create(missing));

      assertEquals(Kind.REJECTED, e.kind());
      assertEquals(List.of(), session.list());
    }
  }

  @Test
  void updateSetsTheConfigurationAndKeepsThePlacement() {
    try (HypervisorSession session = connect()) {
      String id = session.create(spec("/lab/web1")).id();
      VmSpec bigger =
          new VmSpec(
              "ignored", List.of("x"), "/x/ignored", "other", 8, 16384, false, Map.of(), null);

      LiveVm vm = session.update(id, bigger);

      assertEquals(List.of(8, 16384L, false), List.of(vm.vcpu(), vm.memoryMib(), vm.poweredOn()));
      assertEquals(List.of("web1", "/lab/web1", "debian-12"), placement(vm));
      assertEquals(Map.of(), vm.tags());
      assertEquals(null, vm.description());
      assertEquals(List.of(vm), session.list());
    }
  }

  @Test
  void moveRenamesAndMovesTheMarkerWithTheVm() {
    try (HypervisorSession session = connect()) {
      String id = session.create(spec("/lab/web1")).id();

      LiveVm moved = session.move(id, spec("/prod/web/front1"));

      assertEquals(List.of("front1", "/prod/web/front1", "debian-12"), placement(moved));
      assertEquals(List.of("prod", "web"), moved.folder());
      assertEquals(id, session.create(spec("/prod/web/front1")).id());
      assertEquals("vm-000002", session.create(spec("/lab/web1")).id());
    }
  }

  @Test
  void powerStopsStartsAndRestarts() {
    try (HypervisorSession session = connect()) {
      String id = session.create(spec("/lab/web1")).id();

      assertFalse(session.power(id, PowerAction.STOP).poweredOn());
      assertTrue(session.power(id, PowerAction.RESTART).poweredOn());
      assertFalse(session.power(id, PowerAction.STOP).poweredOn());
      assertTrue(session.power(id, PowerAction.START).poweredOn());
    }
  }

  static Stream<Arguments> callsOnAnUnknownVm() {
    VmSpec spec = spec("/lab/web1");
    return Stream.of(
        Arguments.of("update", (Consumer<HypervisorSession>) s -> s.update("vm-000042", spec)),
        Arguments.of("move", (Consumer<HypervisorSession>) s -> s.move("vm-000042", spec)),
        Arguments.of(
            "power", (Consumer<HypervisorSession>) s -> s.power("vm-000042", PowerAction.START)),
        Arguments.of(
            "an id of another shape", (Consumer<HypervisorSession>) s -> s.update("../x", spec)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("callsOnAnUnknownVm")
  void aChangeOfAnUnknownVmIsNotFound(String reason, Consumer<HypervisorSession> call) {
    try (HypervisorSession session = connect()) {
      session.create(spec("/lab/web1"));

      ConnectorException e = assertThrows(ConnectorException.class, () -> call.accept(session));

      assertEquals(Kind.NOT_FOUND, e.kind());
    }
  }

  @Test
  void deleteOfAnAbsentVmSucceeds() {
    try (HypervisorSession session = connect()) {
      String id = session.create(spec("/lab/web1")).id();

      assertEquals(new DeleteResult(true, List.of()), session.delete(id, false));
      assertEquals(new DeleteResult(false, List.of()), session.delete(id, false));
      assertEquals(new DeleteResult(false, List.of()), session.delete("vm-999999", true));
      assertEquals(List.of(), session.list());
      assertEquals(List.of(), world().keptDisks());
    }
  }

  @Test
  void deleteKeepsTheDisksWhenAsked() {
    try (HypervisorSession session = connect()) {
      String id = session.create(spec("/lab/web1")).id();

      DeleteResult result = session.delete(id, true);

      assertEquals(new DeleteResult(true, List.of(id + "-disk0")), result);
      assertEquals(List.of(id + "-disk0"), world().keptDisks());
      assertEquals(List.of(), session.list());
      assertEquals("vm-000002", session.create(spec("/lab/web1")).id(), "the marker went too");
    }
  }

  @Test
  void everyCallIsUnreachableWhileTheSimIsDown() {
    try (HypervisorSession session = connect()) {
      String id = session.create(spec("/lab/web1")).id();
      world().setDown(true);

      for (Callable<?> call :
          List.<Callable<?>>of(
              session::list,
              () -> session.create(spec("/lab/web2")),
              () -> session.power(id, PowerAction.STOP),
              () -> session.delete(id, false))) {
        ConnectorException e = assertThrows(ConnectorException.class, call::call);
        assertEquals(Kind.UNREACHABLE, e.kind());
      }
      ConnectorException refused = assertThrows(ConnectorException.class, this::connect);
      assertEquals(Kind.UNREACHABLE, refused.kind());

      world().setDown(false);
      assertEquals(1, session.list().size());
    }
  }

  @Test
  void aDownSimAnswersUnreachableBeforeAnythingElseItWouldSay() {
    VmSpec missing =
        new VmSpec("web1", List.of("lab"), "/lab/web1", "missing-x", 2, 4096, true, Map.of(), null);
    try (HypervisorSession session = connect();
        HypervisorSession failing = connect("fail_rate", 1.0)) {
      session.create(spec("/lab/web1"));
      world().setDown(true);

      for (Callable<?> call :
          List.<Callable<?>>of(
              () -> session.create(missing),
              () -> session.power("vm-999999", PowerAction.START),
              () -> session.power("not-an-id", PowerAction.START),
              () -> session.delete("not-an-id", false),
              failing::list)) {
        ConnectorException e = assertThrows(ConnectorException.class, call::call);
        assertEquals(Kind.UNREACHABLE, e.kind(), e.getMessage());
      }
    }
  }

  @Test
  void aCallCostsItsLatencyAndChangesTheWorldBeforeItsAnswerArrives() throws Exception {
    try (HypervisorSession session = connect("latency_ms", 600)) {
      ExecutorService pool = Executors.newSingleThreadExecutor();
      long sent = System.nanoTime();
      Future<LiveVm> created = pool.submit(() -> session.create(spec("/lab/web1")));

      // the console sees the VM while the caller still waits for the answer
      long deadline = sent + TimeUnit.SECONDS.toNanos(5);
      while (world().list().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(1, world().list().size(), "the world changed at the start of the call");
      assertTrue(
          System.nanoTime() - sent < TimeUnit.MILLISECONDS.toNanos(600), "the answer is not back");
      assertFalse(created.isDone(), "the answer arrives when the latency has passed");

      assertEquals("vm-000001", created.get(10, TimeUnit.SECONDS).id());
      assertTrue(System.nanoTime() - sent >= TimeUnit.MILLISECONDS.toNanos(600));
      pool.shutdown();
    }
  }

  @Test
  void aRejectionAlsoArrivesAfterTheLatency() {
    try (HypervisorSession session = connect("latency_ms", 300)) {
      VmSpec missing =
          new VmSpec(
              "web1", List.of("lab"), "/lab/web1", "missing-x", 2, 4096, true, Map.of(), null);
      long sent = System.nanoTime();

      ConnectorException e = assertThrows(ConnectorException.class, () -> session.create(missing));

      assertEquals(Kind.REJECTED, e.kind());
      assertTrue(System.nanoTime() - sent >= TimeUnit.MILLISECONDS.toNanos(300));
    }
  }

  @Test
  void aSessionSeesTheSimGoDownAndUpAgainFromAnotherWorldHandle() throws Exception {
    try (HypervisorSession session = connect()) {
      session.list(); // reads the world once: later calls must see what was appended since
      SimWorld other = otherProcessView();
      for (int round = 0; round < 3; round++) {
        other.setDown(true);
        assertEquals(
            Kind.UNREACHABLE, assertThrows(ConnectorException.class, session::list).kind());
        other.setDown(false);
        assertEquals(0, session.list().size());
      }
    }
  }

  @Test
  void vmIdsHaveAtLeastSixDigits() {
    assertEquals("vm-000001", SimWorld.vmId(1));
    assertEquals("vm-123456", SimWorld.vmId(123456));
    assertEquals("vm-1234567", SimWorld.vmId(1234567));
  }

  @Test
  void injectedFailuresFollowTheSeedAndHappenBeforeTheEffect() {
    List<Boolean> first = failurePattern(dir.resolve("a"));
    List<Boolean> second = failurePattern(dir.resolve("b"));

    assertEquals(first, second);
    assertTrue(first.contains(true) && first.contains(false), first.toString());
  }

  /** Creates 10 VMs, retrying each until it succeeds; returns which calls failed. */
  private List<Boolean> failurePattern(Path stateDir) {
    List<Boolean> failed = new ArrayList<>();
    Map<String, Object> settings = Map.of("fail_rate", 0.4, "seed", 7);
    try (HypervisorSession session = new SimConnector().connect(config(stateDir, settings))) {
      for (int i = 1; i <= 10; i++) {
        while (true) {
          try {
            session.create(spec("/lab/web" + i));
            failed.add(false);
            break;
          } catch (ConnectorException e) {
            assertEquals(Kind.TRANSIENT, e.kind());
            failed.add(true);
          }
        }
      }
      assertEquals(failed.size(), session.calls());
    }
    List<SimVm> vms = SimWorld.at(stateDir.resolve("sim/sim1")).list();
    assertEquals(10, vms.size(), "no duplicate and no VM from a failed call");
    assertEquals("vm-000010", vms.get(9).id(), "a failed call takes no id");
    return failed;
  }

  @Test
  void aCallBeyondMaxParallelIsRefused() throws Exception {
    try (HypervisorSession session = connect("max_parallel", 2, "latency_ms", 500)) {
      CyclicBarrier start = new CyclicBarrier(3);
      ExecutorService pool = Executors.newFixedThreadPool(3);
      List<Future<Kind>> results = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  try {
                    session.list();
                    return null;
                  } catch (ConnectorException e) {
                    return e.kind();
                  }
                }));
      }
      List<Kind> kinds = new ArrayList<>();
      for (Future<Kind> result : results) {
        kinds.add(result.get(10, TimeUnit.SECONDS));
      }
      pool.shutdown();

      assertTrue(kinds.contains(Kind.CONFLICT), kinds.toString());
      assertEquals(3, session.calls());
    }
  }

  static Stream<Arguments> badSettings() {
    return Stream.of(
        Arguments.of(
            "a failure rate above 1", "fail_rate", 1.5, "fail_rate must be between 0 and 1"),
        Arguments.of("a negative latency", "latency_ms", -1, "latency_ms must be 0 or more"),
        Arguments.of("no parallel call", "max_parallel", 0, "max_parallel must be 1 or more"),
        Arguments.of("a number as text", "latency_ms", "20", "latency_ms must be a number"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSettings")
  void badSettingsAreRejected(String reason, String field, Object value, String message) {
    ConnectorException e =
        assertThrows(ConnectorException.class, () -> connect(field, value).close());

    assertEquals(Kind.REJECTED, e.kind());
    assertTrue(e.getMessage().startsWith("sim1: " + message), e.getMessage());
  }

  @Test
  void aDamagedLineOfTheWorldIsRejectedNamingTheFileAndLine() throws Exception {
    try (HypervisorSession session = connect()) {
      session.create(spec("/lab/web1"));
      Path file = dir.resolve("sim/sim1/world.jsonl");
      Files.writeString(file, Files.readString(file) + "{not json\n");

      ConnectorException e = assertThrows(ConnectorException.class, session::list);

      assertEquals(Kind.REJECTED, e.kind());
      assertTrue(
          e.getMessage().startsWith("sim1: damaged file " + file + ", line 2: "), e.getMessage());
    }
  }

  @Test
  void theDirSettingPlacesTheWorld() {
    Path elsewhere = dir.resolve("elsewhere");
    try (HypervisorSession session = connect("dir", elsewhere.toString())) {
      session.create(spec("/lab/web1"));
    }

    assertEquals(1, SimWorld.at(elsewhere).list().size());
    assertFalse(world().exists());
  }

  @Test
  void idsContinueFromOneSessionToTheNext() {
    try (HypervisorSession session = connect()) {
      session.create(spec("/lab/web1"));
      session.create(spec("/lab/web2"));
      session.create(spec("/lab/web3"));
    }
    try (HypervisorSession session = connect()) {
      assertEquals("vm-000004", session.create(spec("/lab/web4")).id());
      assertEquals(4, session.list().size());
    }
  }

  @Test
  void threadsCreatingAtOnceGetDistinctIds() throws Exception {
    int threads = 8;
    int each = 25;
    List<LiveVm> created = new ArrayList<>();
    try (HypervisorSession session = connect("max_parallel", threads)) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<List<LiveVm>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        results.add(
            pool.submit(
                () -> {
                  List<LiveVm> mine = new ArrayList<>();
                  for (int i = 0; i < each; i++) {
                    mine.add(session.create(spec("/t" + thread + "/vm" + i)));
                  }
                  return mine;
                }));
      }
      for (Future<List<LiveVm>> result : results) {
        created.addAll(result.get(60, TimeUnit.SECONDS));
      }
      pool.shutdown();
    }

    assertDistinctAndAllListed(created.stream().map(LiveVm::id).toList(), threads * each);
  }

  @Test
  void concurrentChangesOfOneVmLoseNothing() throws Exception {
    SimWorld world = world();
    String id = world.create(SimVm.unmanaged("busy", "unknown")).id();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> results = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      results.add(
          pool.submit(
              () -> {
                for (int i = 0; i < 25; i++) {
                  world.update(id, vm -> vm.withTag("t" + thread + "-" + vm.tags().size(), "x"));
                }
              }));
    }
    for (Future<?> result : results) {
      result.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();

    assertEquals(100, world.get(id).orElseThrow().tags().size());
  }

  @Test
  void anotherProcessCreatingAtOnceNeverDuplicatesNorLosesVms() throws Exception {
    int each = 100;
    Process other = startWorker("create", "/other", each);
    BufferedReader fromOther = readyOutput(other);
    List<String> ids = new ArrayList<>();
    try (HypervisorSession session = connect("max_parallel", 4)) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<List<String>>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        results.add(
            pool.submit(
                () -> {
                  List<String> mine = new ArrayList<>();
                  for (int i = thread; i < each; i += 4) {
                    mine.add(session.create(spec("/here/vm" + i)).id());
                  }
                  return mine;
                }));
      }
      for (Future<List<String>> result : results) {
        ids.addAll(result.get(120, TimeUnit.SECONDS));
      }
      pool.shutdown();
    }
    List<String> output = fromOther.lines().toList();
    assertTrue(other.waitFor(120, TimeUnit.SECONDS), "the other process did not finish");
    assertEquals(0, other.exitValue(), String.join("\n", output));
    ids.addAll(output);

    assertDistinctAndAllListed(ids, 2 * each);
    Set<String> markers = new HashSet<>();
    world().list().forEach(vm -> markers.add(vm.marker()));
    for (int i = 0; i < each; i++) {
      assertTrue(markers.contains("/here/vm" + i) && markers.contains("/other/vm" + i), "vm" + i);
    }
  }

  @Test
  void anotherProcessChangingTheSameVmLosesNothing() throws Exception {
    String id = world().create(SimVm.unmanaged("busy", "unknown")).id();
    Process other = startWorker("tag", "other", 50, id);
    BufferedReader fromOther = readyOutput(other);

    for (int i = 0; i < 50; i++) {
      String tag = "here-" + i;
      world().update(id, vm -> vm.withTag(tag, "x")).orElseThrow();
    }
    String output = String.join("\n", fromOther.lines().toList());
    assertTrue(other.waitFor(120, TimeUnit.SECONDS), "the other process did not finish");
    assertEquals(0, other.exitValue(), output);

    assertEquals(100, world().get(id).orElseThrow().tags().size());
  }

  private Process startWorker(String mode, String prefix, int count, String... more)
      throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                SimWorker.class.getName(),
                mode,
                dir.toString(),
                prefix,
                Integer.toString(count)));
    command.addAll(List.of(more));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  private static BufferedReader readyOutput(Process worker) throws Exception {
    BufferedReader output =
        new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8));
    assertEquals("ready", output.readLine(), "the other process started");
    return output;
  }

  private void assertDistinctAndAllListed(List<String> ids, int expected) {
    assertEquals(expected, ids.size());
    assertEquals(expected, new HashSet<>(ids).size(), "ids are distinct");
    List<String> listed = world().list().stream().map(SimVm::id).toList();
    assertEquals(new HashSet<>(ids), new HashSet<>(listed));
    assertEquals(expected, listed.size());
  }

  private static List<String> placement(LiveVm vm) {
    return List.of(vm.name(), vm.marker(), vm.baseImage());
  }
}
