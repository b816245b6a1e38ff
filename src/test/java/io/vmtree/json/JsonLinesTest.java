package io.vmtree.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class JsonLinesTest {
  private final JsonLines lines = new JsonLines(JsonMapper.builder().build().writer());

  private String line(String name, long value) {
    return new String(
        lines.encode(
            g -> {
              g.writeStartObject();
              g.writeName(name);
              g.writeNumber(value);
              g.writeEndObject();
            }),
        UTF_8);
  }

  @Test
  void eachCallGivesItsOwnDocumentWithNothingBetweenThem() {
    assertEquals("{\"a\":1}", line("a", 1));
    assertEquals("{\"b\":2}", line("b", 2));
    assertEquals(
        "[\"x\"]",
        new String(
            lines.encode(
                g -> {
                  g.writeStartArray();
                  g.writeString("x");
                  g.writeEndArray();
                }),
            UTF_8));
  }

  @Test
  void aDocumentLeftHalfWrittenByAFailureDoesNotSpillIntoTheNext() {
    assertThrows(
        IllegalStateException.class,
        () ->
            lines.encode(
                g -> {
                  g.writeStartObject();
                  g.writeName("broken");
                  throw new IllegalStateException("failed mid-document");
                }));
    assertEquals("{\"c\":3}", line("c", 3));
  }

  @Test
  void threadsWritingAtOnceEachGetWholeDocuments() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        String name = "t" + t;
        writers.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 2_000; i++) {
                    assertEquals("{\"" + name + "\":" + i + "}", line(name, i));
                  }
                  return null;
                }));
      }
      for (Future<?> writer : writers) {
        writer.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdown();
    }
  }
}
