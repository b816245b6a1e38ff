package io.vmtree.cli;

import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * The global {@code --state PATH} option (SPEC §4), a mixin for the top-level command and for
 * sub-commands, so that it may be written before or after the command's name.
 */
public final class StateOption {
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(
      names = "--state",
      paramLabel = "PATH",
      defaultValue = "state",
      description = "State directory (default: ./state).")
  Path state;

  /**
   * {@return the state directory: the {@code --state} written nearest to the command that runs
   * (after its name, else after a parent's), or the default {@code ./state}}
   */
  public Path path() {
    Path chosen = state;
    ParseResult level = mixee == null ? null : mixee.root().commandLine().getParseResult();
    while (level != null) {
      if (level.hasMatchedOption("--state")) {
        chosen = level.matchedOptionValue("--state", chosen);
      }
      level = level.subcommand();
    }
    return chosen;
  }
}
