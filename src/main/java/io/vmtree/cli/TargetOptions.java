package io.vmtree.cli;

import io.vmtree.plan.PlanOptions;
import io.vmtree.tree.TreePath;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/** {@code --target PATH} and {@code --replace PATH}, shared by plan and apply. */
final class TargetOptions {
  @Option(
      names = "--target",
      paramLabel = "PATH",
      description = "Only this descriptor or folder (and what it depends on). Repeatable.")
  List<String> targets = new ArrayList<>();

  @Option(
      names = "--replace",
      paramLabel = "PATH",
      description = "Replace this deployed VM even if nothing changed. Repeatable.")
  List<String> replace = new ArrayList<>();

  /** {@return the plan options these flags ask for} */
  PlanOptions options() {
    return new PlanOptions(paths("--target", targets), paths("--replace", replace), true);
  }

  /** {@return true when any flag was given} */
  boolean any() {
    return !targets.isEmpty() || !replace.isEmpty();
  }

  private static Set<TreePath> paths(String flag, List<String> texts) {
    Set<TreePath> paths = new LinkedHashSet<>();
    for (String text : texts) {
      try {
        paths.add(TreePath.of(text));
      } catch (IllegalArgumentException e) {
        throw new CliException(ExitCodes.ERROR, flag + " " + text + ": " + e.getMessage());
      }
    }
    return paths;
  }
}
