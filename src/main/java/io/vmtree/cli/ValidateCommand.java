package io.vmtree.cli;

import io.vmtree.engine.Engine;
import io.vmtree.engine.Validation;
import io.vmtree.report.DiagnosticsRenderer;
import io.vmtree.report.Style;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code vmtree validate TREE}: schema and semantic checks, every error at once. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Checks the tree against the schemas and the cascade rules.",
      "Prints each problem as file:line:col: message. Exit 0 when valid, 1 otherwise."
    })
final class ValidateCommand extends EngineCommand {
  @Parameters(index = "0", paramLabel = "TREE", description = "The tree's root directory.")
  Path tree;

  @Override
  protected int run(Engine engine, Terminal terminal) {
    Validation validation = engine.validate(tree);
    DiagnosticsRenderer.render(
        validation.diagnostics(), terminal.err(), new Style(terminal.color()));
    if (!validation.isValid()) {
      return ExitCodes.ERROR;
    }
    var desired = validation.tree().orElseThrow();
    int folders = desired.folders().size();
    int descriptors = desired.descriptors().size();
    terminal
        .out()
        .println(
            new Style(terminal.color()).ok("Valid:")
                + " "
                + tree
                + " ("
                + descriptors
                + (descriptors == 1 ? " descriptor" : " descriptors")
                + " in "
                + folders
                + (folders == 1 ? " folder" : " folders")
                + ")");
    terminal.out().flush();
    return ExitCodes.OK;
  }
}
