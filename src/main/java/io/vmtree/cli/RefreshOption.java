package io.vmtree.cli;

import picocli.CommandLine.Option;

/** {@code --refresh[=false]}, shared by plan and apply. */
final class RefreshOption {
  @Option(
      names = "--refresh",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      arity = "0..1",
      description =
          "Ask the hypervisors what they have first (default true; --refresh=false skips it).")
  boolean refresh;
}
