package io.vmtree.cli;

import picocli.CommandLine.Option;

/** Options every command takes (SPEC §4), before or after the command's name. */
public final class GlobalOptions {
  @Option(
      names = "--no-color",
      description = "Never color the output (colors are only used on a terminal anyway).")
  boolean noColor;
}
