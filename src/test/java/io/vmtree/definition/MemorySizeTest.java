package io.vmtree.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MemorySizeTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          an exact GiB count is shown in GiB           | 4096    | 4GiB
          a size that is not whole GiB stays in MiB    | 1536    | 1536MiB
          an exact TiB count is shown in TiB           | 1048576 | 1TiB
          the smallest size                            | 1       | 1MiB
          whole GiB but not whole TiB stays in GiB     | 1049600 | 1025GiB
          the largest size                             | 1099511627776 | 1048576TiB
          """)
  void canonicalUsesTheLargestUnitThatDividesExactly(String reason, long mebibytes, String text) {
    assertEquals(text, MemorySize.ofMebibytes(mebibytes).canonical());
    assertEquals(text, MemorySize.ofMebibytes(mebibytes).toString());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          MiB as written                  | 1536MiB     | 1536
          GiB are 1024 MiB                | 4GiB        | 4096
          TiB are 1024 GiB                | 1TiB        | 1048576
          spaces around and inside        | ' 2 GiB '   | 2048
          the largest TiB count           | 1048576TiB  | 1099511627776
          leading zeros                   | 007GiB      | 7168
          """)
  void parseReadsAWholeNumberWithABinaryUnit(String reason, String text, long mebibytes) {
    assertEquals(MemorySize.ofMebibytes(mebibytes), MemorySize.parse(text));
  }

  @Test
  void parsedTextComesBackInCanonicalForm() {
    assertEquals("1536MiB", MemorySize.parse("1536MiB").canonical());
    assertEquals("4GiB", MemorySize.parse("4096MiB").canonical());
    assertEquals("2TiB", MemorySize.parse("2048GiB").canonical());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          no unit                     | 4096
          a decimal unit              | 4GB
          a unit in the wrong case    | 4gib
          a fraction                  | 1.5GiB
          a negative number           | -1MiB
          nothing                     | ''
          a unit alone                | GiB
          sixteen digits              | 1234567890123456MiB
          a unit with a letter more   | 4GiBs
          """)
  void parseRejectsTextThatIsNotASize(String reason, String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> MemorySize.parse(text));
    assertEquals(
        "invalid memory size \""
            + text
            + "\": use a whole number of MiB, or a number with MiB, GiB or TiB (\"4GiB\")",
        e.getMessage());
  }

  @Test
  void parseRejectsASizeBeyondTheLargest() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> MemorySize.parse("1048577TiB"));
    assertEquals("memory size \"1048577TiB\" is too large", e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          zero                    | 0
          negative                | -1
          one more than 1 EiB     | 1099511627777
          """)
  void sizesOutsideTheRangeAreRejected(String reason, long mebibytes) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> MemorySize.ofMebibytes(mebibytes));
    assertEquals("memory must be between 1 MiB and 1048576 TiB", e.getMessage());
  }

  @Test
  void zeroWithAUnitIsRejectedAsOutOfRange() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> MemorySize.parse("0GiB"));
    assertEquals("memory must be between 1 MiB and 1048576 TiB", e.getMessage());
  }

  @Test
  void sizesCompareByAmount() {
    assertEquals(0, MemorySize.parse("1GiB").compareTo(MemorySize.ofMebibytes(1024)));
    assertEquals(
        -1, Integer.signum(MemorySize.parse("1023MiB").compareTo(MemorySize.parse("1GiB"))));
  }
}
