package io.vmtree.cli;

import io.vmtree.engine.Engine;
import io.vmtree.engine.StateEdit;
import io.vmtree.engine.StateView;
import io.vmtree.report.Json;
import io.vmtree.report.StateRenderer;
import io.vmtree.state.DescriptorState;
import io.vmtree.state.LocalStateBackend;
import io.vmtree.tree.TreePath;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code vmtree state list|show|mv|rm}: read and edit the state (SPEC §4, §11). */
@Command(
    name = "state",
    mixinStandardHelpOptions = true,
    description = {
      "Reads and edits the state, like Terraform's 'state' commands.",
      "list and show take no lock; mv and rm take the lock and are journaled as operations."
    },
    subcommands = {
      StateCommand.ListState.class,
      StateCommand.Show.class,
      StateCommand.Move.class,
      StateCommand.Remove.class
    },
    commandListHeading = "%nCommands:%n")
final class StateCommand implements Runnable {
  @ParentCommand VmtreeCommand root;
  @Spec CommandSpec spec;
  @Mixin StateOption state;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "missing a state command: list, show, mv or rm");
  }

  /** What every {@code state} sub-command shares. */
  abstract static class StateSubcommand implements Callable<Integer> {
    @ParentCommand StateCommand parent;
    @Mixin GlobalOptions global;
    @Mixin StateOption state;
    @Spec CommandSpec spec;

    @Override
    public final Integer call() {
      Terminal terminal = parent.root.terminal();
      if (global.noColor) {
        terminal = terminal.withoutColor();
      }
      int code = run(parent.root.engine(), LocalStateBackend.of(state.path()), terminal);
      terminal.out().flush();
      return code;
    }

    abstract int run(Engine engine, LocalStateBackend state, Terminal terminal);

    /** {@return {@code text} as a path, or a usage error naming the parameter} */
    TreePath path(String label, String text) {
      try {
        return TreePath.of(text);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), label + " " + e.getMessage());
      }
    }

    /** {@return the command line as the lock records it} */
    String command(String... args) {
      return "state " + spec.name() + " " + String.join(" ", args);
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = {
        "Lists the folders vmtree created and every descriptor, with status, hypervisor and VM id.",
        "With PATH: only that descriptor, or that folder and everything below it."
      })
  static final class ListState extends StateSubcommand {
    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "PATH",
        description = "A descriptor or folder (default: /, everything).")
    String path = "/";

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    int run(Engine engine, LocalStateBackend state, Terminal terminal) {
      StateView view = engine.stateView(state, path("PATH", path));
      if (json) {
        terminal.out().println(Json.write(StateRenderer.listJson(view)));
      } else {
        StateRenderer.list(view, terminal.out());
        if (StateRenderer.listJson(view).get("entries") instanceof List<?> l && l.isEmpty()) {
          terminal.err().println("The state in " + state.dir() + " holds nothing yet.");
          terminal.err().flush();
        }
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = {
        "Shows a descriptor as the state records it, as JSON; for a folder, what it holds.",
        "Secrets are never shown."
      })
  static final class Show extends StateSubcommand {
    @Parameters(index = "0", paramLabel = "PATH", description = "A descriptor or folder.")
    String path;

    @Override
    int run(Engine engine, LocalStateBackend state, Terminal terminal) {
      StateView view = engine.stateView(state, path("PATH", path));
      terminal.out().println(Json.write(StateRenderer.show(view)));
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "mv",
      mixinStandardHelpOptions = true,
      description = {
        "Renames a provisioned descriptor, or a folder and everything below it, in the state.",
        "A deployed VM is refused: move it with a 'moved:' entry, which moves the VM too.",
        "Parent folders of TO need not exist: the next plan records the tree's folders."
      })
  static final class Move extends StateSubcommand {
    @Parameters(index = "0", paramLabel = "FROM", description = "The path in the state.")
    String from;

    @Parameters(index = "1", paramLabel = "TO", description = "Its new path.")
    String to;

    @Override
    int run(Engine engine, LocalStateBackend state, Terminal terminal) {
      TreePath source = path("FROM", from);
      TreePath target = path("TO", to);
      StateEdit edit = engine.stateMove(state, source, target, command(from, to));
      for (Map.Entry<TreePath, TreePath> moved : edit.renamed().entrySet()) {
        terminal.out().println("Moved " + moved.getKey() + " to " + moved.getValue());
      }
      terminal
          .out()
          .println(
              "Moved "
                  + edit.renamed().size()
                  + " object(s) in the state (operation "
                  + edit.operation().id()
                  + "). Rename the files in the tree to match before the next plan.");
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "rm",
      mixinStandardHelpOptions = true,
      description = {
        "Forgets descriptors (a folder: everything below it) without destroying their VMs,",
        "also under lifecycle.prevent_destroy. The VMs keep running, unmanaged by vmtree."
      })
  static final class Remove extends StateSubcommand {
    @Parameters(
        index = "0..*",
        arity = "1..*",
        paramLabel = "PATH",
        description = "Descriptors or folders to forget.")
    List<String> paths = new ArrayList<>();

    @Override
    int run(Engine engine, LocalStateBackend state, Terminal terminal) {
      List<TreePath> parsed = paths.stream().map(p -> path("PATH", p)).toList();
      StateEdit edit = engine.stateRemove(state, parsed, command(paths.toArray(String[]::new)));
      for (DescriptorState d : edit.removed()) {
        terminal
            .out()
            .println(
                "Removed "
                    + d.fullName()
                    + (d.vmId() == null
                        ? " (" + d.status().label() + ")"
                        : " (VM "
                            + d.vmId()
                            + " on "
                            + d.hypervisor()
                            + " is kept and no longer managed)"));
      }
      for (TreePath folder : edit.removedFolders()) {
        terminal.out().println("Removed folder " + folder);
      }
      terminal
          .out()
          .println(
              "Forgot "
                  + edit.removed().size()
                  + " descriptor(s) and "
                  + edit.removedFolders().size()
                  + " folder(s) (operation "
                  + edit.operation().id()
                  + "); nothing was destroyed. If their files are still in the tree, remove"
                  + " them too: otherwise the next plan provisions and deploys them again.");
      return ExitCodes.OK;
    }
  }
}
