package io.vmtree.diag;

import java.util.Comparator;
import java.util.Objects;

/**
 * Where a value or an error comes from: a file relative to the tree root, a 1-based line and
 * column, and the prototype it was expanded through, if any.
 *
 * @param file path relative to the tree root, with {@code /} separators
 * @param line 1-based line, or 0 when the whole file is meant
 * @param col 1-based column, or 0 when the whole file is meant
 * @param viaPrototype the prototype name the value came through, or null
 */
public record Origin(String file, int line, int col, String viaPrototype)
    implements Comparable<Origin> {

  // consistent with equals: two origins compare as equal only when they are equal
  private static final Comparator<Origin> ORDER =
      Comparator.comparing(Origin::file)
          .thenComparingInt(Origin::line)
          .thenComparingInt(Origin::col)
          .thenComparing(
              Origin::viaPrototype, Comparator.nullsFirst(Comparator.<String>naturalOrder()));

  public Origin {
    Objects.requireNonNull(file, "file");
  }

  /** {@return an origin at a position of a file} */
  public static Origin of(String file, int line, int col) {
    return new Origin(file, line, col, null);
  }

  /** {@return an origin naming a whole file (printed as {@code file:1:1})} */
  public static Origin ofFile(String file) {
    return new Origin(file, 1, 1, null);
  }

  /** {@return this origin, marked as having come through prototype {@code name}} */
  public Origin via(String name) {
    return new Origin(file, line, col, name);
  }

  /** {@return {@code file:line:col}, the form every error is printed in} */
  public String position() {
    return file + ":" + line + ":" + col;
  }

  /** {@return {@code file:line}, plus {@code via prototype P} when it came through one} */
  public String describe() {
    String at = file + ":" + line;
    return viaPrototype == null ? at : at + " via prototype " + viaPrototype;
  }

  @Override
  public int compareTo(Origin other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return describe();
  }
}
