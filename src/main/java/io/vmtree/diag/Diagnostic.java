package io.vmtree.diag;

import java.util.Comparator;
import java.util.Objects;

/**
 * One problem found in the input, as a value: a severity, a one-line summary, an optional detail
 * (for instance the other files involved) and where it is.
 *
 * @param subject where the problem is, or null when it concerns no file (for instance the tree root
 *     is missing)
 */
public record Diagnostic(Severity severity, String summary, String detail, Origin subject)
    implements Comparable<Diagnostic> {

  // total, so that diagnostics collected in parallel print in the same order on every run
  private static final Comparator<Diagnostic> ORDER =
      Comparator.comparing(
              Diagnostic::subject, Comparator.nullsFirst(Comparator.<Origin>naturalOrder()))
          .thenComparing(Diagnostic::summary)
          .thenComparing(Diagnostic::detail)
          .thenComparing(Diagnostic::severity);

  public Diagnostic {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(summary, "summary");
    detail = detail == null ? "" : detail;
  }

  /** {@return an error at {@code subject}} */
  public static Diagnostic error(Origin subject, String summary) {
    return new Diagnostic(Severity.ERROR, summary, "", subject);
  }

  /** {@return an error at {@code subject} with a detail line} */
  public static Diagnostic error(Origin subject, String summary, String detail) {
    return new Diagnostic(Severity.ERROR, summary, detail, subject);
  }

  /** {@return a warning at {@code subject}} */
  public static Diagnostic warning(Origin subject, String summary) {
    return new Diagnostic(Severity.WARNING, summary, "", subject);
  }

  /** {@return true when this diagnostic makes the command fail} */
  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /**
   * {@return the diagnostic as printed: {@code file:line:col: summary}, a warning prefixed by
   * {@code warning: }, and the detail after an em dash when there is one}
   */
  public String format() {
    StringBuilder out = new StringBuilder();
    if (subject != null) {
      out.append(subject.position()).append(": ");
    }
    if (severity == Severity.WARNING) {
      out.append("warning: ");
    }
    out.append(summary);
    if (!detail.isEmpty()) {
      out.append(" (").append(detail).append(')');
    }
    return out.toString();
  }

  @Override
  public int compareTo(Diagnostic other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return format();
  }
}
