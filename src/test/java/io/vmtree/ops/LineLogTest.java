package io.vmtree.ops;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineLogTest {
  @TempDir Path dir;

  private LineLog log() {
    return new LineLog(dir.resolve("log.jsonl"), line -> new String(line, UTF_8).endsWith("}"));
  }

  private static List<String> texts(LineLog log) throws Exception {
    List<String> texts = new ArrayList<>();
    for (LineLog.Line line : log.lines()) {
      texts.add(new String(line.bytes(), line.offset(), line.length(), UTF_8));
    }
    return texts;
  }

  @Test
  void aDeferredLineIsVisibleAtOnceAndKeptInOrderWithDurableOnes() throws Exception {
    LineLog log = log();
    log.write("{\"a\":1}".getBytes(UTF_8));
    assertEquals(List.of("{\"a\":1}"), texts(log()), "another reader sees it before any sync");
    log.append("{\"b\":2}".getBytes(UTF_8));
    log.write("{\"c\":3}".getBytes(UTF_8));
    log.sync();
    assertEquals(List.of("{\"a\":1}", "{\"b\":2}", "{\"c\":3}"), texts(log()));
  }

  @Test
  void aSyncOfLinesWhoseLogWasClosedFailsInsteadOfWaiting() throws Exception {
    LineLog log = log();
    long end = log.write("{\"a\":1}".getBytes(UTF_8));
    log.close();

    java.io.IOException e = assertThrows(java.io.IOException.class, () -> log.syncUpTo(end));

    assertTrue(e.getMessage().contains("closed before its lines were synced"), e.getMessage());
    log.append("{\"b\":2}".getBytes(UTF_8)); // the next append reopens it
    assertEquals(List.of("{\"a\":1}", "{\"b\":2}"), texts(log()));
  }

  @Test
  void parallelAppendsAllLandWholeAndInSomeOrder() throws Exception {
    LineLog log = log();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        String line = "{\"n\":" + i + "}";
        boolean durable = i % 2 == 0;
        futures.add(
            pool.submit(
                () -> {
                  if (durable) {
                    log.append(line.getBytes(UTF_8));
                  } else {
                    log.write(line.getBytes(UTF_8));
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    log.sync();
    List<String> texts = texts(log());
    assertEquals(400, texts.size());
    assertEquals(400, texts.stream().distinct().count());
  }

  @Test
  void aTornLastLineIsLeftOutThenCutByTheNextAppendAndACompleteOneIsKept() throws Exception {
    Path file = dir.resolve("log.jsonl");
    Files.writeString(file, "{\"a\":1}\n{\"b\"");
    assertEquals(List.of("{\"a\":1}"), texts(log()));
    log().append("{\"c\":3}".getBytes(UTF_8));
    assertEquals("{\"a\":1}\n{\"c\":3}\n", Files.readString(file));

    Files.writeString(file, "{\"a\":1}\n{\"b\":2}");
    assertEquals(
        List.of("{\"a\":1}", "{\"b\":2}"), texts(log()), "complete, only its newline lost");
    log().append("{\"c\":3}".getBytes(UTF_8));
    assertEquals("{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n", Files.readString(file));
  }

  @Test
  void truncateEmptiesTheLogAndLaterAppendsStartAfresh() throws Exception {
    LineLog log = log();
    log.append("{\"a\":1}".getBytes(UTF_8));
    log.truncate();
    assertTrue(log.isEmpty());
    log.append("{\"b\":2}".getBytes(UTF_8));
    assertEquals(List.of("{\"b\":2}"), texts(log()));
  }
}
