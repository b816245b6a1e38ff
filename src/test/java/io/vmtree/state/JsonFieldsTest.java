package io.vmtree.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonFieldsTest {
  private static final Path FILE = Path.of("state/meta.json");

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
    assertEquals(Instant.parse(text), JsonFields.parseInstant(text));
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
    assertThrows(DateTimeException.class, () -> JsonFields.parseInstant(text));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          a missing field            | serial    | missing serial
          a string for a number      | lineage   | lineage must be a whole number
          a fraction for a number    | fraction  | fraction must be a whole number
          """)
  void numberErrorsNameTheFileAndTheField(String reason, String key, String problem) {
    JsonFields f = new JsonFields(FILE, Map.of("lineage", "x", "fraction", 1.5));

    StateException e = assertThrows(StateException.class, () -> f.number(key));

    assertEquals("state file " + FILE + " is invalid: " + problem, e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          not a list            | one      | lifecycle.one must be a list of strings
          a number in the list  | mixed    | lifecycle.mixed must be a list of strings
          """)
  void nestedErrorsNameTheWholeField(String reason, String key, String problem) {
    JsonFields f =
        new JsonFields(
            FILE, Map.of("lifecycle", Map.of("one", "tags", "mixed", List.of("tags", 3))));

    StateException e = assertThrows(StateException.class, () -> f.nested("lifecycle").strings(key));

    assertEquals("state file " + FILE + " is invalid: " + problem, e.getMessage());
  }
}
