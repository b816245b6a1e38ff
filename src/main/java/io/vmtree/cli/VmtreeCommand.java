package io.vmtree.cli;

import io.vmtree.engine.Engine;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The top-level {@code vmtree} command; it only holds the sub-commands, which {@link Cli} adds
 * (only the one a command line names, when it names one: see {@link #COMMANDS}).
 */
@Command(
    name = "vmtree",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Keeps virtual machines in line with a tree of YAML descriptors.",
    commandListHeading = "%nCommands:%n",
    footer = {"", "Run 'vmtree COMMAND --help' for a command's options."})
public final class VmtreeCommand implements Runnable {
  /**
   * The sub-commands, in the order help lists them. Not in the annotation: picocli builds the model
   * of every sub-command it is given, by reflection (~0.2 s at the start of every command), and a
   * command line runs one of them.
   */
  static final List<Class<?>> COMMANDS =
      List.of(
          ValidateCommand.class,
          TreeCommand.class,
          ExplainCommand.class,
          PlanCommand.class,
          DriftCommand.class,
          ApplyCommand.class,
          GraphCommand.class,
          StateCommand.class,
          ImportCommand.class,
          OpsCommand.class,
          ForceUnlockCommand.class,
          SimCommand.class,
          ServeCommand.class);

  @Spec CommandSpec spec;
  @Mixin GlobalOptions global;
  @Mixin StateOption state;

  private final Terminal terminal;
  private final Supplier<Engine> engine;

  VmtreeCommand(Terminal terminal, Supplier<Engine> engine) {
    this.terminal = terminal;
    this.engine = engine;
  }

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing a command");
  }

  Terminal terminal() {
    return global.noColor ? terminal.withoutColor() : terminal;
  }

  Engine engine() {
    return engine.get();
  }
}
