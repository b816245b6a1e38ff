package io.vmtree.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * One run of the real command line (the same parser, handlers and exit codes as {@code main}), with
 * its output captured.
 */
public record CliRun(int exitCode, String out, String err) {
  /** {@return the result of {@code vmtree ARGS...}} */
  public static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Cli.run(new Terminal(new PrintWriter(out), new PrintWriter(err), false), args);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** {@return stdout and stderr together, for messages that may go to either} */
  public String all() {
    return out + err;
  }
}
