package io.vmtree.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IsoInstantTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "1970-01-01T00:00:00Z",
        "1970-01-01T00:00:00.000000001Z",
        "2000-02-29T23:59:59.999999999Z",
        "2026-11-26T06:08:16.291Z",
        "2026-11-26T06:08:16.291123Z",
        "2026-11-26T06:08:16.291123456Z",
        "2026-11-26T06:08:16.000100Z",
        "2100-03-01T12:00:00.100Z",
        "9999-12-31T23:59:59.999999999Z",
        "1969-12-31T23:59:59.500Z",
        "+10000-01-01T00:00:00Z",
        "-0001-06-15T08:30:00Z"
      })
  void writesWhatToStringWrites(String text) {
    Instant instant = Instant.parse(text);
    assertEquals(instant.toString(), IsoInstant.format(instant));
  }

  @Test
  void agreesWithToStringOnRandomInstantsOfEveryPrecision() {
    Random random = new Random(42);
    for (int i = 0; i < 100_000; i++) {
      long seconds =
          Math.floorMod(random.nextLong(), 253_402_300_800L + 2_000_000_000L) - 1_000_000_000L;
      int nanos =
          switch (i % 4) {
            case 0 -> 0;
            case 1 -> random.nextInt(1_000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1_000;
            default -> random.nextInt(1_000_000_000);
          };
      Instant instant = Instant.ofEpochSecond(seconds, nanos);
      assertEquals(instant.toString(), IsoInstant.format(instant), () -> "at " + seconds);
    }
  }

  @Test
  void nullStaysNull() {
    assertNull(IsoInstant.format(null));
  }
}
