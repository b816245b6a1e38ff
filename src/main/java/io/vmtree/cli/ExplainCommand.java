package io.vmtree.cli;

import io.vmtree.engine.Engine;
import io.vmtree.engine.Explanation;
import io.vmtree.report.ExplainRenderer;
import io.vmtree.report.Json;
import io.vmtree.report.Style;
import io.vmtree.state.LocalStateBackend;
import io.vmtree.tree.TreePath;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vmtree explain TREE PATH}: a descriptor's computed definition and its origins. */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    description = {
      "Shows a descriptor's computed definition and where each value comes from.",
      "Every parameter after the cascade, with the file and line that set it",
      "(and the prototype it came through)."
    })
final class ExplainCommand extends EngineCommand {
  @Mixin StateOption state;

  @Parameters(index = "0", paramLabel = "TREE", description = "The tree's root directory.")
  Path tree;

  @Parameters(
      index = "1",
      paramLabel = "PATH",
      description = "The descriptor's full name, e.g. /lab/web1.")
  String path;

  @Option(names = "--json", description = "Print JSON (format of SPEC §4) instead of text.")
  boolean json;

  @Override
  protected int run(Engine engine, Terminal terminal) {
    TreePath target;
    try {
      target = TreePath.of(path);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.ERROR, "invalid PATH: " + e.getMessage());
    }
    Explanation explanation = engine.explain(tree, target, LocalStateBackend.of(state.path()));
    if (json) {
      terminal.out().println(Json.write(ExplainRenderer.toJson(explanation)));
      terminal.out().flush();
    } else {
      ExplainRenderer.text(explanation, terminal.out(), new Style(terminal.color()));
    }
    return ExitCodes.OK;
  }
}
