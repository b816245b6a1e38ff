package io.vmtree.diag;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * A collector of diagnostics. Loading and checking go on after an error so that a user sees every
 * problem at once; only the caller decides whether errors are fatal. Thread-safe, so files can be
 * read in parallel.
 */
public final class Diagnostics {
  private final List<Diagnostic> items = new ArrayList<>();

  /** Adds one diagnostic. */
  public synchronized void add(Diagnostic diagnostic) {
    items.add(Objects.requireNonNull(diagnostic));
  }

  /** Adds an error at {@code subject}. */
  public void error(Origin subject, String summary) {
    add(Diagnostic.error(subject, summary));
  }

  /** Adds an error at {@code subject} with a detail. */
  public void error(Origin subject, String summary, String detail) {
    add(Diagnostic.error(subject, summary, detail));
  }

  /** Adds a warning at {@code subject}. */
  public void warning(Origin subject, String summary) {
    add(Diagnostic.warning(subject, summary));
  }

  /** Adds every diagnostic of {@code others}. */
  public synchronized void addAll(Collection<Diagnostic> others) {
    items.addAll(others);
  }

  /** Adds every diagnostic of {@code other}. */
  public void addAll(Diagnostics other) {
    List<Diagnostic> copy;
    synchronized (other) {
      if (other.items.isEmpty()) {
        return;
      }
      copy = new ArrayList<>(other.items);
    }
    addAll(copy);
  }

  /** {@return true when at least one diagnostic is an error} */
  public synchronized boolean hasErrors() {
    for (Diagnostic diagnostic : items) {
      if (diagnostic.isError()) {
        return true;
      }
    }
    return false;
  }

  /** {@return true when there is nothing to report} */
  public synchronized boolean isEmpty() {
    return items.isEmpty();
  }

  /**
   * {@return every diagnostic, sorted by file, line, column, summary, detail and severity, without
   * repeats}
   */
  public synchronized List<Diagnostic> sorted() {
    return items.stream().distinct().sorted().toList();
  }

  /** {@return the errors only, sorted} */
  public List<Diagnostic> errors() {
    return sorted().stream().filter(Diagnostic::isError).toList();
  }

  @Override
  public String toString() {
    return String.join("\n", sorted().stream().map(Diagnostic::format).toList());
  }
}
