package io.vmtree.cli;

import io.vmtree.engine.Engine;
import io.vmtree.report.Style;
import io.vmtree.report.TreeRenderer;
import io.vmtree.state.LocalStateBackend;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code vmtree tree TREE}: folders and descriptors with their status. */
@Command(
    name = "tree",
    mixinStandardHelpOptions = true,
    description = "Shows the folders and descriptors of the tree with their status.")
final class TreeCommand extends EngineCommand {
  @Mixin StateOption state;

  @Parameters(index = "0", paramLabel = "TREE", description = "The tree's root directory.")
  Path tree;

  @Override
  protected int run(Engine engine, Terminal terminal) {
    TreeRenderer.render(
        engine.model(tree, LocalStateBackend.of(state.path())),
        terminal.out(),
        new Style(terminal.color()));
    return ExitCodes.OK;
  }
}
