package io.vmtree.cli;

import io.vmtree.engine.Engine;
import io.vmtree.engine.OperationGraph;
import io.vmtree.report.DiagnosticsRenderer;
import io.vmtree.report.GraphRenderer;
import io.vmtree.report.Style;
import io.vmtree.state.LocalStateBackend;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vmtree graph TREE}: the operation graph apply would run, as DOT or Mermaid. */
@Command(
    name = "graph",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the operations apply would run and their order, as a graph.",
      "Plans exactly as 'plan' does (refresh included); never writes the state.",
      "Render DOT with Graphviz: vmtree graph TREE | dot -Tsvg > plan.svg"
    })
final class GraphCommand extends EngineCommand {
  @Mixin StateOption state;
  @Mixin TargetOptions targets;
  @Mixin RefreshOption refresh;

  @Parameters(index = "0", paramLabel = "TREE", description = "The tree's root directory.")
  Path tree;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "dot",
      description = "dot (Graphviz, the default) or mermaid (a flowchart for Markdown).")
  String format;

  @Override
  protected int run(Engine engine, Terminal terminal) {
    GraphRenderer.Format chosen;
    try {
      chosen = GraphRenderer.Format.parse(format);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.ERROR, "--format: " + e.getMessage());
    }
    OperationGraph graph =
        engine.graph(tree, LocalStateBackend.of(state.path()), targets.options(), refresh.refresh);
    DiagnosticsRenderer.render(
        graph.planned().diagnostics(), terminal.err(), new Style(terminal.color()));
    terminal.err().flush();
    if (graph.planned().diagnostics().hasErrors()) {
      return ExitCodes.ERROR;
    }
    GraphRenderer.render(graph, chosen, terminal.out());
    return ExitCodes.OK;
  }
}
