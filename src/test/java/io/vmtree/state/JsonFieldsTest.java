package io.vmtree.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
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
