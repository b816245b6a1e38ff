package io.vmtree.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonlJournalTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final Instant T1 = Instant.parse("2026-03-01T10:00:01.25Z");
  private static final Instant T2 = Instant.parse("2026-03-01T10:00:09Z");

  @TempDir Path dir;

  private Path file() {
    return dir.resolve("journal.jsonl");
  }

  private static Operation submitted(long id, String type, String... targets) {
    return new Operation(
        id, type, List.of(targets), T0, null, null, OperationStatus.PENDING, Map.of(), null);
  }

  @Test
  void theLastLineOfAnIdIsItsCurrentRecord() {
    JsonlJournal journal = new JsonlJournal(file());
    Operation deploy = submitted(1, "deploy", "/lab/web1");
    Operation undeploy = submitted(2, "undeploy", "/lab/old");
    Operation update = submitted(3, "update", "/lab/db/pg1");
    Map<String, Object> keptDisks = Map.of("kept_disks", List.of("disk-1", "disk-2"));

    journal.append(update);
    journal.append(deploy);
    journal.append(deploy.running(T1));
    journal.append(undeploy.running(T1));
    journal.append(update.running(T1).ended(T2, OperationStatus.FAILED, "timeout"));
    journal.append(deploy.running(T1).succeeded(T2, Map.of("vm_id", "vm-7")));
    journal.append(undeploy.running(T1).succeeded(T2, keptDisks));

    List<Operation> all = new JsonlJournal(file()).list();

    assertEquals(
        List.of(
            deploy.running(T1).succeeded(T2, Map.of("vm_id", "vm-7")),
            undeploy.running(T1).succeeded(T2, keptDisks),
            update.running(T1).ended(T2, OperationStatus.FAILED, "timeout")),
        all);
    assertEquals(Optional.of(all.get(2)), journal.get(3));
    assertEquals(Optional.empty(), journal.get(4));
  }

  @Test
  void everyFieldSurvivesARoundTrip() {
    JsonlJournal journal = new JsonlJournal(file());
    Operation op =
        new Operation(
            42,
            "replace",
            List.of("/lab/a", "/lab/b"),
            T0,
            T1,
            T2,
            OperationStatus.SKIPPED,
            Map.of("nested", Map.of("b", 2, "a", List.of(1, "x", true)), "vm_id", "vm-1"),
            "dependency /lab/net failed");

    journal.append(op);

    assertEquals(List.of(op), journal.list());
  }

  @Test
  void aLineIsOneSnakeCaseJsonObjectWithSortedResultKeys() throws IOException {
    new JsonlJournal(file())
        .append(
            submitted(1, "deploy", "/a").running(T1).succeeded(T2, Map.of("vm_id", "v", "a", 1)));

    List<String> lines = Files.readAllLines(file());

    assertEquals(
        List.of(
            "{\"id\":1,\"type\":\"deploy\",\"targets\":[\"/a\"],\"submitted\":\"2026-03-01T10:00:00Z\","
                + "\"started\":\"2026-03-01T10:00:01.250Z\",\"finished\":\"2026-03-01T10:00:09Z\","
                + "\"status\":\"succeeded\",\"result\":{\"a\":1,\"vm_id\":\"v\"},\"error\":null}"),
        lines);
  }

  @Test
  void aMissingJournalIsEmptyAndReadingCreatesNothing() {
    JsonlJournal journal = new JsonlJournal(dir.resolve("state/journal.jsonl"));
    assertEquals(List.of(), journal.list());
    assertEquals(Optional.empty(), journal.get(1));
    assertFalse(Files.exists(dir.resolve("state")));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          cut in the middle of a key    | 5
          cut in the middle of a value  | 40
          cut after the opening brace   | 1
          """)
  void aTruncatedLastLineIsSkippedAndCutByTheNextAppend(String reason, int keep)
      throws IOException {
    JsonlJournal journal = new JsonlJournal(file());
    Operation first = submitted(1, "deploy", "/a");
    journal.append(first);
    byte[] second = Files.readAllBytes(file());
    new JsonlJournal(file()).append(submitted(2, "deploy", "/b"));
    truncate(second.length + keep);

    assertEquals(List.of(first), new JsonlJournal(file()).list());

    Operation third = submitted(3, "deploy", "/c");
    new JsonlJournal(file()).append(third);
    assertEquals(List.of(first, third), new JsonlJournal(file()).list());
    assertEquals(2, Files.readAllLines(file()).size());
  }

  @Test
  void aCompleteLastLineWithoutItsNewlineIsKept() throws IOException {
    Operation first = submitted(1, "deploy", "/a");
    new JsonlJournal(file()).append(first);
    truncate(Files.size(file()) - 1);

    assertEquals(List.of(first), new JsonlJournal(file()).list());

    Operation second = submitted(2, "deploy", "/b");
    new JsonlJournal(file()).append(second);
    assertEquals(List.of(first, second), new JsonlJournal(file()).list());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          not JSON                  | garbage
          a field of the wrong type | '{"id":"x","targets":[],"submitted":"2026-03-01T10:00:00Z","status":"pending","result":{}}'
          an unknown status         | '{"id":2,"targets":[],"submitted":"2026-03-01T10:00:00Z","status":"lost","result":{}}'
          a missing field           | '{"id":2,"targets":[],"status":"pending","result":{}}'
          a bad instant             | '{"id":2,"targets":[],"submitted":"today","status":"pending","result":{}}'
          """)
  void aCorruptLineBeforeTheLastIsAnErrorNamingFileAndLine(String reason, String line)
      throws IOException {
    JsonlJournal journal = new JsonlJournal(file());
    journal.append(submitted(1, "deploy", "/a"));
    Files.writeString(file(), line + "\n", StandardOpenOption.APPEND);
    journal.append(submitted(3, "deploy", "/c"));

    JournalException e = assertThrows(JournalException.class, journal::list);

    assertTrue(
        e.getMessage().startsWith("corrupt journal line " + file() + ":2: "), e.getMessage());
  }

  @Test
  void concurrentAppendsKeepEveryLineWhole() throws Exception {
    JsonlJournal journal = new JsonlJournal(file());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> done = new ArrayList<>();
    for (int i = 1; i <= 64; i++) {
      long id = i;
      done.add(pool.submit(() -> journal.append(submitted(id, "deploy", "/d" + id))));
    }
    pool.shutdown();
    for (Future<?> f : done) {
      f.get(60, TimeUnit.SECONDS);
    }

    List<Operation> all = journal.list();
    assertEquals(64, all.size());
    for (int i = 0; i < 64; i++) {
      assertEquals(i + 1, all.get(i).id());
    }
  }

  @Test
  void aReaderSeesWhatWasAppendedSinceItsLastReadByItselfOrAnotherWriter() throws IOException {
    JsonlJournal reader = new JsonlJournal(file());
    Operation first = submitted(1, "deploy", "/a");
    reader.append(first);
    assertEquals(List.of(first), reader.list());

    Operation second = submitted(2, "deploy", "/b");
    new JsonlJournal(file()).append(second); // another writer, as the CLI next to a reader
    reader.append(first.running(T1));
    assertEquals(List.of(first.running(T1), second), reader.list());
    assertEquals(Optional.of(second), reader.get(2));

    // a line still being written: not kept, and read again once its newline came
    byte[] third = OperationJson.encode(submitted(3, "deploy", "/c"));
    Files.write(file(), java.util.Arrays.copyOf(third, 20), StandardOpenOption.APPEND);
    assertEquals(2, reader.list().size());
    Files.write(
        file(), java.util.Arrays.copyOfRange(third, 20, third.length), StandardOpenOption.APPEND);
    assertEquals(Optional.of(submitted(3, "deploy", "/c")), reader.get(3));
    Files.write(file(), new byte[] {'\n'}, StandardOpenOption.APPEND);
    Operation fourth = submitted(4, "deploy", "/d");
    reader.append(fourth);
    assertEquals(4, reader.list().size());
    assertEquals(Optional.of(fourth), reader.get(4));
  }

  @Test
  void aJournalThatGotShorterIsReadAgainFromItsStart() throws IOException {
    JsonlJournal reader = new JsonlJournal(file());
    reader.append(submitted(1, "deploy", "/a"));
    reader.append(submitted(2, "deploy", "/b"));
    assertEquals(2, reader.list().size());

    Operation other = submitted(7, "undeploy", "/z");
    Files.write(file(), OperationJson.encode(other));
    Files.write(file(), new byte[] {'\n'}, StandardOpenOption.APPEND);

    assertEquals(List.of(other), reader.list());
  }

  private void truncate(long size) throws IOException {
    byte[] bytes = Files.readAllBytes(file());
    byte[] cut = new byte[(int) size];
    System.arraycopy(bytes, 0, cut, 0, cut.length);
    Files.write(file(), cut);
    assertFalse(new String(cut, StandardCharsets.UTF_8).endsWith("\n"));
  }
}
