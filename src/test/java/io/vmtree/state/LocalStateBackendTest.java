package io.vmtree.state;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtree.ops.Operation;
import io.vmtree.ops.OperationStatus;
import io.vmtree.tree.Lifecycle;
import io.vmtree.tree.Status;
import io.vmtree.tree.TreePath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class LocalStateBackendTest {
  private static final Instant T1 = Instant.parse("2026-03-01T10:00:00Z");
  private static final Instant T2 = Instant.parse("2026-03-01T10:00:42.5Z");

  @TempDir Path dir;

  private static DescriptorState full(String path) {
    return new DescriptorState(
        TreePath.of(path),
        Status.DEPLOYED,
        "vm-42",
        "sim1",
        Map.of(
            "vcpu",
            2,
            "memory",
            "4GiB",
            "tags",
            Map.of("team", "db", "env", "lab"),
            "disks",
            List.of(Map.of("size", "20GiB"))),
        Map.of("vcpu", 2, "memory", "4GiB", "base_image", "debian-12", "power", "on"),
        "resize failed: timeout",
        new LastOperation(7, "deploy", T1, T2, "succeeded", Map.of("vm_id", "vm-42")),
        new Lifecycle(true, true, List.of("tags", "memory"), true),
        List.of(TreePath.of("/lab/net/dns"), TreePath.of("/lab/db/pg0")),
        new LastOperation(8, "update", T2, null, "running", Map.of()));
  }

  private static DescriptorState minimal(String path) {
    return new DescriptorState(
        TreePath.of(path),
        Status.PROVISIONED,
        null,
        null,
        Map.of(),
        null,
        null,
        null,
        Lifecycle.DEFAULT,
        List.of(),
        null);
  }

  private LocalStateBackend state() {
    return LocalStateBackend.of(dir);
  }

  @Test
  void everyFieldSurvivesARoundTrip() {
    LocalStateBackend state = state();
    DescriptorState pg1 = full("/lab/db/pg1");
    DescriptorState web = minimal("/web");
    state.put(pg1);
    state.put(web);
    state.putFolder(TreePath.of("/lab"));
    state.putFolder(TreePath.of("/lab/db"));

    StateSnapshot snapshot = LocalStateBackend.of(dir).read();

    assertEquals(Map.of(pg1.fullName(), pg1, web.fullName(), web), snapshot.descriptors());
    assertEquals(Set.of(TreePath.of("/lab"), TreePath.of("/lab/db")), snapshot.folders());
    assertEquals(4, snapshot.serial());
    assertEquals(state.read().lineage(), snapshot.lineage());
  }

  @Test
  void filesFollowTheDocumentedLayoutWithSnakeCaseKeys() throws IOException {
    LocalStateBackend state = state();
    state.put(full("/lab/db/pg1"));
    state.putFolder(TreePath.of("/lab"));

    String descriptor = Files.readString(dir.resolve("descriptors/lab/db/pg1.json"));
    for (String key :
        List.of(
            "format_version",
            "full_name",
            "vm_id",
            "local_definition",
            "deployed_config",
            "last_error",
            "last_operation",
            "prevent_destroy",
            "keep_disks",
            "ignore_changes",
            "allow_reboot",
            "depends_on",
            "pending")) {
      assertTrue(descriptor.contains("\"" + key + "\""), key);
    }
    assertTrue(descriptor.contains("\"started\" : \"2026-03-01T10:00:00Z\""), descriptor);
    assertTrue(descriptor.indexOf("\"env\"") < descriptor.indexOf("\"team\""), "sorted map keys");
    assertTrue(Files.readString(dir.resolve("meta.json")).contains("\"next_operation_id\""));
    assertTrue(Files.readString(dir.resolve("folders.json")).contains("\"/lab\""));
  }

  @Test
  void theSameDescriptorAlwaysGivesTheSameBytes() throws IOException {
    Path file = dir.resolve("descriptors/lab/db/pg1.json");
    state().put(full("/lab/db/pg1"));
    byte[] first = Files.readAllBytes(file);
    state().put(full("/lab/db/pg1"));
    assertArrayEquals(first, Files.readAllBytes(file));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("changes")
  void everyChangeRaisesTheSerialByExactlyOne(String reason, Consumer<StateBackend> change) {
    LocalStateBackend state = state();
    state.put(minimal("/lab/a"));
    state.putFolder(TreePath.of("/lab"));
    long before = state.read().serial();

    change.accept(state);

    assertEquals(before + 1, state.read().serial());
  }

  static Stream<Arguments> changes() {
    return Stream.of(
        Arguments.of("put of a new descriptor", op(s -> s.put(minimal("/lab/b")))),
        Arguments.of("put of a known descriptor", op(s -> s.put(full("/lab/a")))),
        Arguments.of("remove", op(s -> s.remove(TreePath.of("/lab/a")))),
        Arguments.of("putFolder", op(s -> s.putFolder(TreePath.of("/lab/db")))),
        Arguments.of("removeFolder", op(s -> s.removeFolder(TreePath.of("/lab")))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("noChanges")
  void whatChangesNothingLeavesTheSerial(String reason, Consumer<StateBackend> change) {
    LocalStateBackend state = state();
    state.put(minimal("/lab/a"));
    state.putFolder(TreePath.of("/lab"));
    long before = state.read().serial();

    change.accept(state);

    assertEquals(before, state.read().serial());
  }

  static Stream<Arguments> noChanges() {
    return Stream.of(
        Arguments.of("remove of an unknown descriptor", op(s -> s.remove(TreePath.of("/x")))),
        Arguments.of("putFolder of a known folder", op(s -> s.putFolder(TreePath.of("/lab")))),
        Arguments.of(
            "removeFolder of an unknown folder", op(s -> s.removeFolder(TreePath.of("/x")))),
        Arguments.of("an operation id", op(StateBackend::nextOperationId)));
  }

  private static Consumer<StateBackend> op(Consumer<StateBackend> change) {
    return change;
  }

  @Test
  void aMissingDirectoryIsAnEmptyStateAndStaysMissing() {
    Path missing = dir.resolve("nothing-here");
    LocalStateBackend state = LocalStateBackend.of(missing);

    StateSnapshot snapshot = state.read();

    assertEquals(0, snapshot.serial());
    assertTrue(snapshot.descriptors().isEmpty());
    assertTrue(snapshot.folders().isEmpty());
    assertEquals(36, snapshot.lineage().length());
    assertTrue(state.lockHolder().isEmpty());
    assertTrue(state.journal().list().isEmpty());
    assertFalse(Files.exists(missing));
  }

  @Test
  void theLineageOfAnEmptyStateIsKeptByTheFirstWrite() {
    LocalStateBackend state = state();
    String lineage = state.read().lineage();
    state.put(minimal("/a"));
    assertEquals(lineage, state.read().lineage());
    assertNotEquals(lineage, LocalStateBackend.of(dir.resolve("other")).read().lineage());
  }

  @Test
  void removeDeletesTheFileAndPrunesEmptyDirectories() {
    LocalStateBackend state = state();
    state.put(minimal("/lab/db/pg1"));
    state.put(minimal("/lab/web"));

    state.remove(TreePath.of("/lab/db/pg1"));

    assertFalse(Files.exists(dir.resolve("descriptors/lab/db")));
    assertTrue(Files.exists(dir.resolve("descriptors/lab/web.json")));
    assertEquals(Set.of(TreePath.of("/lab/web")), state.read().descriptors().keySet());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          meta.json                 | meta.json
          a descriptor file         | descriptors/lab/pg1.json
          folders.json              | folders.json
          """)
  void aNewerFormatVersionIsRefusedNamingTheFile(String reason, String file) throws IOException {
    LocalStateBackend state = state();
    state.put(minimal("/lab/pg1"));
    state.putFolder(TreePath.of("/lab"));
    Path path = dir.resolve(file);
    Files.writeString(
        path,
        Files.readString(path)
            .replace("\"format_version\" : 1", "\"format_version\" : 2, \"new\" : [1]"));

    StateException e = assertThrows(StateException.class, state::read);

    assertEquals(
        "state file " + path + " was written by a newer vmtree (format_version 2); upgrade vmtree",
        e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          a truncated descriptor            | descriptors/lab/pg1.json | 30 | is corrupt at
          a truncated meta.json             | meta.json                | 20 | is corrupt at
          an empty descriptor               | descriptors/lab/pg1.json | 0  | is empty
          a descriptor cut before a value   | descriptors/lab/pg1.json | 55 | is corrupt at
          """)
  void aCorruptFileIsAnErrorNamingIt(String reason, String file, int keep, String problem)
      throws IOException {
    LocalStateBackend state = state();
    state.put(minimal("/lab/pg1"));
    state.put(minimal("/lab/pg2"));
    Path path = dir.resolve(file);
    byte[] bytes = Files.readAllBytes(path);
    Files.write(path, Arrays.copyOf(bytes, keep));

    StateException e = assertThrows(StateException.class, state::read);

    assertTrue(e.getMessage().startsWith("state file " + path + " " + problem), e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          an unknown status           | "provisioned"              | "lost"
          a missing lifecycle         | "lifecycle"                | "lifecycle_gone"
          a bad path in depends_on    | "depends_on" : [ ]         | "depends_on" : [ "/a b" ]
          a bad instant               | "started" : null           | "started" : "yesterday"
          """)
  void invalidContentIsAnErrorNamingTheFile(String reason, String from, String to)
      throws IOException {
    LocalStateBackend state = state();
    DescriptorState d = minimal("/lab/pg1");
    state.put(
        new DescriptorState(
            d.fullName(),
            d.status(),
            null,
            null,
            Map.of(),
            null,
            null,
            new LastOperation(1, "provision", null, null, "succeeded", Map.of()),
            Lifecycle.DEFAULT,
            List.of(),
            null));
    Path path = dir.resolve("descriptors/lab/pg1.json");
    String json = Files.readString(path);
    assertTrue(json.contains(from), json);
    Files.writeString(path, json.replace(from, to));

    StateException e = assertThrows(StateException.class, state::read);

    assertTrue(e.getMessage().startsWith("state file " + path + " is invalid: "), e.getMessage());
  }

  @Test
  void aFileMovedToAnotherPathIsAnError() throws IOException {
    LocalStateBackend state = state();
    state.put(minimal("/lab/pg1"));
    Path moved = dir.resolve("descriptors/lab/pg2.json");
    Files.move(dir.resolve("descriptors/lab/pg1.json"), moved);

    StateException e = assertThrows(StateException.class, state::read);

    assertEquals(
        "state file " + moved + " holds full_name /lab/pg1 but its path says /lab/pg2",
        e.getMessage());
  }

  @Test
  void aStrayFileAmongTheDescriptorsIsAnError() throws IOException {
    LocalStateBackend state = state();
    state.put(minimal("/lab/pg1"));
    Path stray = dir.resolve("descriptors/lab/pg1.json~");
    Files.writeString(stray, "backup");

    StateException e = assertThrows(StateException.class, state::read);

    assertTrue(e.getMessage().startsWith("unexpected file " + stray), e.getMessage());
  }

  @Test
  void leftoverTempFilesAreIgnoredAndTheTopLevelOnesCleanedUpByTheNextLock() throws IOException {
    LocalStateBackend state = state();
    state.put(minimal("/lab/pg1"));
    List<Path> temps =
        List.of(
            dir.resolve("descriptors/lab/.pg2.json.tmp-1234abcd"),
            dir.resolve("descriptors/lab/.pg1.json.tmp-99"),
            dir.resolve(".meta.json.tmp-5"));
    for (Path temp : temps) {
      Files.writeString(temp, "{\"format_version\" : 1, \"full_na");
    }

    assertEquals(Set.of(TreePath.of("/lab/pg1")), state.read().descriptors().keySet());
    assertEquals(1, state.read().serial());

    state.lock(LocalStateBackend.currentProcess("test")).close();

    assertFalse(Files.exists(dir.resolve(".meta.json.tmp-5")));
    // below descriptors/ they stay (a lock must not walk 100,000 files) and stay ignored
    assertEquals(Set.of(TreePath.of("/lab/pg1")), state.read().descriptors().keySet());
  }

  @Test
  void aNewerFormatIsRefusedEvenWhenItsShapeIsUnknown() throws IOException {
    Path path = dir.resolve("descriptors/pg1.json");
    Files.createDirectories(path.getParent());
    Files.writeString(path, "{\"format_version\": 2, \"full_name\": {\"segments\": [\"pg1\"]}}");

    StateException e = assertThrows(StateException.class, state()::read);

    assertTrue(e.getMessage().contains("newer vmtree (format_version 2)"), e.getMessage());
  }

  @Test
  void concurrentChangesLoseNothing() throws Exception {
    LocalStateBackend state = state();
    int threads = 16;
    int each = 10;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      done.add(
          pool.submit(
              () -> {
                for (int i = 0; i < each; i++) {
                  state.put(minimal("/keep/g" + i % 4 + "/d" + thread + "-" + i));
                  TreePath scratch = TreePath.of("/scratch/s" + i % 2 + "/d" + thread + "-" + i);
                  state.put(minimal(scratch.toString()));
                  state.remove(scratch);
                }
              }));
    }
    pool.shutdown();
    for (Future<?> f : done) {
      f.get(120, TimeUnit.SECONDS);
    }

    StateSnapshot snapshot = state.read();
    assertEquals(threads * each, snapshot.descriptors().size());
    assertEquals(threads * each * 3L, snapshot.serial());
    assertFalse(Files.exists(dir.resolve("descriptors/scratch/s0")));
  }

  @Test
  void operationIdsIncreaseAcrossBackendsOnTheSameDirectory() {
    LocalStateBackend a = state();
    LocalStateBackend b = LocalStateBackend.of(dir);

    assertEquals(1, a.nextOperationId());
    assertEquals(2, b.nextOperationId());
    assertEquals(3, a.nextOperationId());
    assertEquals(4, LocalStateBackend.of(dir).nextOperationId());
  }

  @Test
  void underTheLockOtherReadersNeverSeeAnOldSerialOrAReusableId() {
    LocalStateBackend state = state();
    state.put(minimal("/a"));
    long before = state.read().serial();

    try (StateBackend.StateLock lock = state.lock(LocalStateBackend.currentProcess("apply"))) {
      state.put(minimal("/b"));
      state.put(minimal("/c"));
      state.remove(TreePath.of("/a"));
      long id = state.nextOperationId();

      assertEquals(before + 3, state.read().serial());
      assertEquals(lock.info(), state.lockHolder().orElseThrow());
      assertTrue(
          LocalStateBackend.of(dir).read().serial() > before,
          "another process sees that the serial moved");
      assertTrue(
          StateCodec.decodeMeta(dir.resolve("meta.json"), readMeta()).nextOperationId() > id,
          "the id is reserved on disk before it is handed out");
    }

    assertEquals(before + 3, LocalStateBackend.of(dir).read().serial());
    assertEquals(before + 3, StateCodec.decodeMeta(dir.resolve("meta.json"), readMeta()).serial());
  }

  private byte[] readMeta() {
    try {
      return Files.readAllBytes(dir.resolve("meta.json"));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void theJournalLivesInTheStateDirectory() {
    LocalStateBackend state = state();
    long id = state.nextOperationId();
    Operation op =
        new Operation(
            id,
            "deploy",
            List.of("/lab/web1"),
            T1,
            null,
            null,
            OperationStatus.PENDING,
            Map.of(),
            null);

    state.journal().append(op);

    assertTrue(Files.exists(dir.resolve("journal.jsonl")));
    assertEquals(List.of(op), LocalStateBackend.of(dir).journal().list());
  }

  @Test
  void theRootIsNeitherADescriptorNorARecordedFolder() {
    LocalStateBackend state = state();
    assertThrows(IllegalArgumentException.class, () -> state.putFolder(TreePath.ROOT));
    assertThrows(IllegalArgumentException.class, () -> state.put(minimal("/")));
    assertEquals(new TreeMap<>(), state.read().descriptors());
  }

  @Test
  void foldersChangedInParallelUnderTheLockAreAllOnDiskWhenEachChangeReturns() throws Exception {
    LocalStateBackend state = state();
    try (StateBackend.StateLock lock = state.lock(LocalStateBackend.currentProcess("test"))) {
      state.putFolder(TreePath.of("/old"));
    }
    long serial = state.read().serial();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (StateBackend.StateLock lock = state.lock(LocalStateBackend.currentProcess("test"))) {
      List<Future<?>> changes = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        TreePath folder = TreePath.of("/lab/f" + i);
        changes.add(
            pool.submit(
                () -> {
                  state.putFolder(folder);
                  // another reader (no lock, its own instance) sees it as soon as it returns
                  assertTrue(LocalStateBackend.of(dir).read().folders().contains(folder));
                  return null;
                }));
      }
      for (Future<?> change : changes) {
        change.get(30, TimeUnit.SECONDS);
      }
      state.removeFolder(TreePath.of("/old"));
      assertFalse(LocalStateBackend.of(dir).read().folders().contains(TreePath.of("/old")));
    } finally {
      pool.shutdown();
    }
    Set<TreePath> folders = LocalStateBackend.of(dir).read().folders();
    assertEquals(40, folders.size(), folders.toString());
    assertEquals(serial + 41, state.read().serial(), "one serial per change");
  }

  @Test
  void writesUnderTheLockGoThroughTheLogWhichIsEmptiedWhenTheLockIsReleased() throws Exception {
    LocalStateBackend state = state();
    Path wal = dir.resolve("wal.jsonl");
    try (StateBackend.StateLock lock = state.lock(LocalStateBackend.currentProcess("test"))) {
      state.put(full("/lab/db/pg1"));
      state.put(minimal("/lab/web1"));
      state.remove(TreePath.of("/lab/web1"));
      List<String> lines = Files.readAllLines(wal);
      assertEquals(3, lines.size(), "one line per write");
      assertTrue(lines.get(0).contains("\"full_name\":\"/lab/db/pg1\""), lines.get(0));
      assertTrue(lines.get(2).contains("\"removed\":\"/lab/web1\""), lines.get(2));
    }
    assertEquals(0, Files.size(wal), "released: the files are durable, the log is empty");
    assertEquals(
        List.of(TreePath.of("/lab/db/pg1")), List.copyOf(state.read().descriptors().keySet()));
    assertEquals(
        full("/lab/db/pg1"),
        LocalStateBackend.of(dir).read().descriptors().get(TreePath.of("/lab/db/pg1")));
  }

  @Test
  void aLogLeftByAKilledHolderIsReadOverTheFilesAndReplayedByTheNextLock() throws Exception {
    LocalStateBackend first = state();
    try (StateBackend.StateLock lock = first.lock(LocalStateBackend.currentProcess("test"))) {
      first.put(minimal("/lab/db/pg1"));
      first.put(minimal("/lab/old"));
    }
    // what a power loss after the log's fsync but before the files reached the disk leaves:
    // the log holds the newer records, the files the older ones
    Path wal = dir.resolve("wal.jsonl");
    Files.write(
        wal,
        (new String(StateCodec.encodeDescriptorLine(full("/lab/db/pg1")), UTF_8)
                + "\n"
                + new String(StateCodec.encodeRemovedLine(TreePath.of("/lab/old")), UTF_8)
                + "\n"
                + "{\"format_version\":1,\"full_na")
            .getBytes(UTF_8));

    LocalStateBackend next = LocalStateBackend.of(dir);
    assertEquals(
        Map.of(TreePath.of("/lab/db/pg1"), full("/lab/db/pg1")),
        next.read().descriptors(),
        "a reader lays the log over the files and skips a torn last line");
    try (StateBackend.StateLock lock = next.lock(LocalStateBackend.currentProcess("test"))) {
      assertEquals(0, Files.size(wal), "the next holder writes the records into the files");
      assertFalse(Files.exists(dir.resolve("descriptors/lab/old.json")));
      assertEquals(
          full("/lab/db/pg1"),
          StateCodec.decodeDescriptor(
              dir, Files.readAllBytes(dir.resolve("descriptors/lab/db/pg1.json"))));
    }
  }

  @Test
  void aCorruptLineInTheLogIsAnErrorNamingTheFileAndLine() throws Exception {
    state().put(minimal("/lab/web1"));
    Files.writeString(
        dir.resolve("wal.jsonl"), "not json\n", java.nio.file.StandardOpenOption.APPEND);
    StateException e = assertThrows(StateException.class, () -> state().read());
    assertTrue(e.getMessage().contains("wal.jsonl:2"), e.getMessage());
  }
}
