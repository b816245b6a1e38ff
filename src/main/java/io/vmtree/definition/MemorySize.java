package io.vmtree.definition;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An amount of memory, in MiB. Written as an integer (MiB) or a string with a binary unit ({@code
 * "4GiB"}); shown in canonical form, the largest binary unit that divides it exactly.
 */
public record MemorySize(long mebibytes) implements Comparable<MemorySize> {
  private static final Pattern TEXT = Pattern.compile("^\\s*(\\d{1,15})\\s*(MiB|GiB|TiB)\\s*$");
  private static final long MAX_MIB = 1L << 40; // 1 EiB: far beyond any VM, far below overflow

  public MemorySize {
    if (mebibytes < 1 || mebibytes > MAX_MIB) {
      throw new IllegalArgumentException("memory must be between 1 MiB and 1048576 TiB");
    }
  }

  /** {@return a size of {@code mebibytes} MiB} */
  public static MemorySize ofMebibytes(long mebibytes) {
    return new MemorySize(mebibytes);
  }

  /**
   * {@return the size written as {@code text}: {@code "1536MiB"}, {@code "4GiB"}, {@code "1TiB"}}
   *
   * @throws IllegalArgumentException with a message fit for a user when the text is not a size
   */
  public static MemorySize parse(String text) {
    String number;
    String unit;
    if (isCompact(text)) {
      number = text.substring(0, text.length() - 3);
      unit = text.substring(text.length() - 3);
    } else {
      Matcher m = TEXT.matcher(text);
      if (!m.matches()) {
        throw new IllegalArgumentException(
            "invalid memory size \""
                + text
                + "\": use a whole number of MiB, or a number with MiB, GiB or TiB (\"4GiB\")");
      }
      number = m.group(1);
      unit = m.group(2);
    }
    long amount = Long.parseLong(number);
    int shift =
        switch (unit) {
          case "GiB" -> 10;
          case "TiB" -> 20;
          default -> 0;
        };
    if (amount > (MAX_MIB >> shift)) {
      throw new IllegalArgumentException("memory size \"" + text + "\" is too large");
    }
    return new MemorySize(amount << shift);
  }

  /**
   * {@return whether {@code text} is digits and a unit, nothing around them}: what state and plans
   * hold (the canonical form), read without the pattern. An apply reads a size twice per VM it
   * creates, and the matcher was a hundredth of the steps' CPU.
   */
  private static boolean isCompact(String text) {
    int digits = text.length() - 3;
    if (digits < 1 || digits > 15 || !text.startsWith("iB", digits + 1)) {
      return false;
    }
    char unit = text.charAt(digits);
    if (unit != 'M' && unit != 'G' && unit != 'T') {
      return false;
    }
    for (int i = 0; i < digits; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** {@return the canonical text: {@code 4096} MiB is {@code "4GiB"}, {@code 1536} stays MiB} */
  public String canonical() {
    if (mebibytes % (1L << 20) == 0) {
      return (mebibytes >> 20) + "TiB";
    }
    if (mebibytes % (1L << 10) == 0) {
      return (mebibytes >> 10) + "GiB";
    }
    return String.format(Locale.ROOT, "%dMiB", mebibytes);
  }

  @Override
  public int compareTo(MemorySize other) {
    return Long.compare(mebibytes, other.mebibytes);
  }

  @Override
  public String toString() {
    return canonical();
  }
}
