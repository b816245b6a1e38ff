package io.vmtree;

import io.vmtree.cli.Cli;
import io.vmtree.cli.Terminal;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** The {@code vmtree} program; the only place that calls {@link System#exit}. */
public final class Main {
  private Main() {}

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
    PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8));
    boolean console = System.console() != null;
    boolean color = console && System.getenv("NO_COLOR") == null;
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    int code = Cli.run(new Terminal(out, err, color, in, console), args);
    out.flush();
    err.flush();
    System.exit(code);
  }
}
