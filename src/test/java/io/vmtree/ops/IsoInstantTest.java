package io.vmtree.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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
  void agreesWithToStringAndParseOnRandomInstantsOfEveryPrecision() {
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
      assertEquals(instant, IsoInstant.parse(instant.toString()), () -> "at " + seconds);
    }
  }

  @Test
  void nullStaysNull() {
    assertNull(IsoInstant.format(null));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          whole seconds                    | 2026-03-01T10:00:00Z
          milliseconds                     | 2026-03-01T10:00:42.500Z
          microseconds                     | 2026-03-01T10:00:42.000123Z
          nanoseconds                      | 2026-12-31T23:59:59.999999999Z
          one fraction digit               | 2026-03-01T10:00:42.5Z
          the epoch                        | 1970-01-01T00:00:00Z
          a leap day                       | 2024-02-29T12:00:00Z
          a year past 9999 (parsed by JDK) | +10000-01-01T00:00:00Z
          an offset (parsed by JDK)        | 2026-03-01T10:00:00+02:00
          an empty fraction (by JDK)       | 2026-03-01T10:00:00.Z
          """)
  void instantsReadAsInstantParseReadsThem(String reason, String text) {
    assertEquals(Instant.parse(text), IsoInstant.parse(text));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          month 13                   | 2026-13-01T10:00:00Z
          february 30                | 2026-02-30T10:00:00Z
          a letter in a digit place  | 2026-03-0xT10:00:00Z
          ten fraction digits        | 2026-03-01T10:00:00.1234567890Z
          no zone                    | 2026-03-01T10:00:00
          """)
  void badInstantsAreRefused(String reason, String text) {
    assertThrows(DateTimeException.class, () -> IsoInstant.parse(text));
  }
}
