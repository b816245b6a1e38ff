package io.vmtree.ops;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Writes an {@link Instant} exactly as {@link Instant#toString} does (ISO-8601 in UTC, the fraction
 * of a second in groups of three digits, as many as needed), and reads it back, by hand.
 *
 * <p>Why: every journal line and saved descriptor carries two or three instants, twenty per VM an
 * apply creates, and {@code Instant.toString} goes through a {@code DateTimeFormatter}: in a
 * 1,000-VM apply it made half of what the steps allocated. Outside the years 1970 to 9999 this
 * hands over to {@code toString}.
 */
public final class IsoInstant {
  private static final long LAST_SECOND_OF_9999 = 253_402_300_799L;
  private static final int SECONDS_PER_DAY = 86_400;

  // the date of the last instant written, as text: the instants of one command fall on a day or
  // two, and working out the calendar date was a third of the cost of each
  private record Day(long epochDay, String text) {}

  private static volatile Day lastDay = new Day(-1, "");

  private IsoInstant() {}

  /** {@return {@code instant} as {@link Instant#toString} writes it; null for null} */
  public static String format(Instant instant) {
    if (instant == null) {
      return null;
    }
    long seconds = instant.getEpochSecond();
    if (seconds < 0 || seconds > LAST_SECOND_OF_9999) {
      return instant.toString();
    }
    long epochDay = seconds / SECONDS_PER_DAY;
    Day day = lastDay;
    if (day.epochDay() != epochDay) {
      day = new Day(epochDay, date(epochDay));
      lastDay = day;
    }
    int secondOfDay = (int) (seconds % SECONDS_PER_DAY);
    int nanos = instant.getNano();
    char[] text = new char[30];
    day.text().getChars(0, 10, text, 0);
    int at = 10;
    text[at++] = 'T';
    at = digits(text, at, secondOfDay / 3600, 2);
    text[at++] = ':';
    at = digits(text, at, secondOfDay / 60 % 60, 2);
    text[at++] = ':';
    at = digits(text, at, secondOfDay % 60, 2);
    if (nanos != 0) {
      text[at++] = '.';
      if (nanos % 1_000_000 == 0) {
        at = digits(text, at, nanos / 1_000_000, 3);
      } else if (nanos % 1_000 == 0) {
        at = digits(text, at, nanos / 1_000, 6);
      } else {
        at = digits(text, at, nanos, 9);
      }
    }
    text[at++] = 'Z';
    return new String(text, 0, at);
  }

  /** {@return the date of {@code epochDay} as {@code yyyy-mm-dd}} */
  private static String date(long epochDay) {
    LocalDate date = LocalDate.ofEpochDay(epochDay);
    char[] text = new char[10];
    int at = digits(text, 0, date.getYear(), 4);
    text[at++] = '-';
    at = digits(text, at, date.getMonthValue(), 2);
    text[at++] = '-';
    digits(text, at, date.getDayOfMonth(), 2);
    return new String(text);
  }

  /** Writes {@code value} as {@code width} digits, zero-padded, at {@code at}; returns the end. */
  private static int digits(char[] text, int at, int value, int width) {
    int end = at + width;
    for (int i = end - 1; i >= at; i--) {
      text[i] = (char) ('0' + value % 10);
      value /= 10;
    }
    return end;
  }

  /**
   * {@return the instant written as {@code text}}, as {@link Instant#parse} reads it: the form
   * {@link Instant#toString} writes for years 0 to 9999 is parsed by hand, since {@code
   * Instant.parse} cost more than the rest of a descriptor file together, and most of the reading
   * of a journal line; other forms go to {@code Instant.parse}.
   *
   * @throws DateTimeException when {@code text} is not an instant
   */
  public static Instant parse(String text) {
    int n = text.length();
    if (n < 20
        || text.charAt(4) != '-'
        || text.charAt(7) != '-'
        || text.charAt(10) != 'T'
        || text.charAt(13) != ':'
        || text.charAt(16) != ':'
        || text.charAt(n - 1) != 'Z'
        || (n > 20 && (text.charAt(19) != '.' || n > 30 || n == 21))) {
      return Instant.parse(text);
    }
    int nanos = 0;
    for (int i = 20; i < 29; i++) {
      nanos = nanos * 10 + (i < n - 1 ? digit(text, i) : 0);
    }
    return LocalDateTime.of(
            digits(text, 0, 4),
            digits(text, 5, 7),
            digits(text, 8, 10),
            digits(text, 11, 13),
            digits(text, 14, 16),
            digits(text, 17, 19),
            nanos)
        .toInstant(ZoneOffset.UTC);
  }

  private static int digits(String text, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      value = value * 10 + digit(text, i);
    }
    return value;
  }

  private static int digit(String text, int i) {
    char c = text.charAt(i);
    if (c < '0' || c > '9') {
      throw new DateTimeException("not a digit at index " + i + " of \"" + text + "\"");
    }
    return c - '0';
  }
}
