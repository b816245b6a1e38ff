package io.vmtree.cli;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.util.Objects;

/**
 * Where a command writes and reads: standard output and error, whether colors may be used (only on
 * a terminal, never with {@code --no-color} or the {@code NO_COLOR} convention), and whether a
 * person is there to answer a prompt.
 */
public record Terminal(
    PrintWriter out, PrintWriter err, boolean color, BufferedReader in, boolean interactive) {
  public Terminal {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(err, "err");
  }

  /** A terminal that cannot be asked anything (no input): tests, pipes, CI. */
  public Terminal(PrintWriter out, PrintWriter err, boolean color) {
    this(out, err, color, null, false);
  }

  /** {@return this terminal without colors} */
  public Terminal withoutColor() {
    return new Terminal(out, err, false, in, interactive);
  }

  /** {@return the line the user typed after {@code question}, or null when nobody can answer} */
  public String ask(String question) {
    if (!interactive || in == null) {
      return null;
    }
    out.print(question);
    out.flush();
    try {
      return in.readLine();
    } catch (java.io.IOException e) {
      return null;
    }
  }
}
