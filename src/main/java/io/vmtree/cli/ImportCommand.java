package io.vmtree.cli;

import io.vmtree.engine.Engine;
import io.vmtree.engine.ImportResult;
import io.vmtree.ops.Operation;
import io.vmtree.state.LocalStateBackend;
import io.vmtree.tree.TreePath;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vmtree import TREE PATH VM_ID}: adopts an existing VM into a descriptor (SPEC §9). */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Adopts a VM that already exists into a descriptor of the tree, without changing the VM.",
      "The state records its id and what it reports (vcpu, memory, power, tags, description);",
      "the next plan shows where it differs from the tree. Takes the state lock."
    })
final class ImportCommand extends EngineCommand {
  @Mixin StateOption state;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TREE", description = "The tree's root directory.")
  Path tree;

  @Parameters(index = "1", paramLabel = "PATH", description = "The descriptor, e.g. /lab/pg1.")
  String path;

  @Parameters(
      index = "2",
      paramLabel = "VM_ID",
      description = "The hypervisor's id of the VM (sim: vm-000042; see 'sim ls').")
  String vmId;

  @Override
  protected int run(Engine engine, Terminal terminal) {
    TreePath target;
    try {
      target = TreePath.of(path);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "PATH " + e.getMessage());
    }
    ImportResult result =
        engine.importVm(
            tree,
            LocalStateBackend.of(state.path()),
            target,
            vmId,
            "import " + tree + " " + path + " " + vmId);
    for (Operation op : result.operations()) {
      if (op.type().equals("provision")) {
        terminal.out().println("Provisioned " + result.path() + " (operation " + op.id() + ").");
      }
    }
    Operation imported = result.operations().get(result.operations().size() - 1);
    terminal
        .out()
        .println(
            "Imported VM "
                + result.vm().id()
                + " ("
                + result.vm().name()
                + ") on "
                + result.hypervisor()
                + " into "
                + result.path()
                + " (operation "
                + imported.id()
                + "); the VM was not changed.");
    result.note().ifPresent(note -> terminal.out().println("Note: " + note));
    terminal
        .out()
        .println("Run 'vmtree plan " + tree + "' to see where the VM differs from the tree.");
    terminal.out().flush();
    return ExitCodes.OK;
  }
}
