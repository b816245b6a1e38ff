package io.vmtree.cli;

import java.io.PrintWriter;
import java.util.Objects;

/**
 * Where a command writes: standard output and error, and whether colors may be used (only on a
 * terminal, never with {@code --no-color} or the {@code NO_COLOR} convention).
 */
public record Terminal(PrintWriter out, PrintWriter err, boolean color) {
  public Terminal {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(err, "err");
  }

  /** {@return this terminal without colors} */
  public Terminal withoutColor() {
    return new Terminal(out, err, false);
  }
}
