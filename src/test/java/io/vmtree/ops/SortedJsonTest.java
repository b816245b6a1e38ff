package io.vmtree.ops;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Journal lines written by hand hold the bytes databind writes for the same operation. */
class SortedJsonTest {
  /** A free-form value of every kind a config or a result holds, nested up to {@code depth}. */
  static Object value(Random random, int depth) {
    return switch (random.nextInt(depth > 0 ? 10 : 7)) {
      case 0 -> null;
      case 1 -> "text \"quoted\" ü \\ / " + random.nextInt(100);
      case 2 -> random.nextInt();
      case 3 -> random.nextLong();
      case 4 -> random.nextDouble() * 1000;
      case 5 -> random.nextBoolean();
      case 6 -> new BigDecimal("12.50");
      case 7 -> {
        List<Object> list = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          list.add(value(random, depth - 1));
        }
        yield list;
      }
      default -> map(random, depth - 1);
    };
  }

  /** A map of any of the kinds a descriptor holds: hash order, insertion order or sorted. */
  static Map<String, Object> map(Random random, int depth) {
    Map<String, Object> map =
        switch (random.nextInt(3)) {
          case 0 -> new HashMap<>();
          case 1 -> new LinkedHashMap<>();
          default -> new TreeMap<>();
        };
    for (int i = random.nextInt(6); i > 0; i--) {
      map.put("k" + random.nextInt(50) + (random.nextBoolean() ? "_x" : ""), value(random, depth));
    }
    return map;
  }

  /** An operation's result holds no null at its top level (nested ones may). */
  private static Map<String, Object> withoutNulls(Map<String, Object> map) {
    map.values().removeIf(java.util.Objects::isNull);
    return map;
  }

  @Test
  void journalLinesAreTheBytesDatabindWrites() {
    Random random = new Random(42);
    for (int i = 0; i < 500; i++) {
      Instant submitted = Instant.ofEpochSecond(1_700_000_000L + i, random.nextInt(1_000_000_000));
      Operation op =
          new Operation(
              i + 1L,
              random.nextBoolean() ? "deploy" : "update",
              List.of("/lab/web" + i, "/lab/db"),
              submitted,
              random.nextBoolean() ? submitted.plusMillis(5) : null,
              random.nextBoolean() ? submitted.plusSeconds(1) : null,
              OperationStatus.values()[random.nextInt(OperationStatus.values().length)],
              withoutNulls(map(random, 3)),
              random.nextBoolean() ? null : "sim1: failed \"badly\"");

      assertEquals(
          new String(OperationJson.encodeByBinding(op), UTF_8),
          new String(OperationJson.encode(op), UTF_8));
    }
  }
}
