package io.vmtree.cli;

import io.vmtree.connector.ConnectorException;
import io.vmtree.engine.Engine;
import io.vmtree.engine.EngineException;
import io.vmtree.model.ModelException;
import io.vmtree.ops.JournalException;
import io.vmtree.report.DiagnosticsRenderer;
import io.vmtree.report.Style;
import io.vmtree.state.LockInfo;
import io.vmtree.state.LockedException;
import io.vmtree.state.StateException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Builds the picocli {@link CommandLine} once, with the exit-code mapping and the handlers that
 * turn every failure into a message (never a stack trace). Tests use it with their own writers.
 */
public final class Cli {
  /**
   * The names of the sub-commands that run the engine, written out: reading them from the commands'
   * annotations took ~0.1 s at the start, before the engine could begin loading (a test holds this
   * list to the annotations).
   */
  static final Set<String> ENGINE_COMMANDS =
      Set.of(
          "validate",
          "tree",
          "explain",
          "plan",
          "drift",
          "apply",
          "graph",
          "state",
          "import",
          "serve");

  private Cli() {}

  /** {@return the exit code of running {@code args} against {@code terminal}} */
  public static int run(Terminal terminal, String... args) {
    // a command that runs the engine makes it first: it starts loading its schemas (~0.1 s) on
    // another core while picocli builds its model; the others never make one
    Supplier<Engine> engine = Engine::create;
    if (Arrays.stream(args).anyMatch(ENGINE_COMMANDS::contains)) {
      try {
        Engine made = Engine.create();
        engine = () -> made;
      } catch (RuntimeException e) {
        // made again when the command needs it, where its failure is reported as any other
      }
    }
    return build(terminal, engine, args).execute(args);
  }

  /**
   * {@return the command line to execute {@code args} with, writing to {@code terminal}, creating
   * the engine lazily}
   */
  public static CommandLine build(Terminal terminal, Supplier<Engine> engine, String... args) {
    CommandLine cli = new CommandLine(new VmtreeCommand(terminal, memoize(engine)));
    // first: the settings below reach only the sub-commands added before them
    for (Class<?> command : commandsFor(cli.getCommandSpec(), args)) {
      cli.addSubcommand(command);
    }
    // "--state state" names the default state directory, which is also the "state" command
    cli.setAllowSubcommandsAsOptionParameters(true);
    cli.setOut(terminal.out());
    cli.setErr(terminal.err());
    cli.setColorScheme(
        CommandLine.Help.defaultColorScheme(
            terminal.color() ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF));
    cli.setParameterExceptionHandler(usageError());
    cli.setExecutionExceptionHandler(failure(terminal));
    cli.setExitCodeExceptionMapper(e -> ExitCodes.ERROR);
    return cli;
  }

  /**
   * {@return the sub-commands {@code args} need}: the one they name, when the words before its name
   * are all options of the top-level command (and none asks for help or the version); else all, so
   * that help, the version and every usage error of the top level list every command.
   */
  static List<Class<?>> commandsFor(CommandSpec root, String... args) {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("-") || arg.equals("-")) {
        return VmtreeCommand.COMMANDS.stream()
            .filter(command -> command.getAnnotation(Command.class).name().equals(arg))
            .findFirst()
            .<List<Class<?>>>map(List::of)
            .orElse(VmtreeCommand.COMMANDS);
      }
      int equals = arg.indexOf('=');
      OptionSpec option = root.findOption(equals < 0 ? arg : arg.substring(0, equals));
      if (option == null || option.usageHelp() || option.versionHelp()) {
        return VmtreeCommand.COMMANDS;
      }
      if (equals < 0 && option.arity().min() > 0) {
        i++; // its value, which may be the name of a command ("--state state")
      }
    }
    return VmtreeCommand.COMMANDS;
  }

  private static IParameterExceptionHandler usageError() {
    return (e, args) -> {
      CommandLine cmd = e.getCommandLine();
      // some of picocli's messages (argument groups) already start with "Error: "
      String message = e.getMessage() == null ? "" : e.getMessage();
      cmd.getErr().println("error: " + message.replaceFirst("^Error: ", ""));
      cmd.getErr().println();
      cmd.usage(cmd.getErr());
      cmd.getErr().flush();
      return ExitCodes.ERROR;
    };
  }

  private static IExecutionExceptionHandler failure(Terminal terminal) {
    return (e, cmd, parsed) -> {
      Style style = new Style(terminal.color());
      if (e instanceof EngineException engine) {
        DiagnosticsRenderer.render(engine.diagnostics(), terminal.err(), style);
        terminal.err().println(style.error("error: ") + engine.getMessage());
      } else if (e instanceof CliException cli) {
        terminal.err().println(style.error("error: ") + cli.getMessage());
        terminal.err().flush();
        return cli.exitCode();
      } else if (e instanceof LockedException locked) {
        terminal.err().println(style.error("error: ") + locked.getMessage());
        terminal.err().println(lockHint(locked.holder()));
      } else if (e instanceof ModelException
          || e instanceof StateException
          || e instanceof JournalException
          || e instanceof ConnectorException) {
        terminal.err().println(style.error("error: ") + e.getMessage());
      } else {
        terminal.err().println(style.error("internal error: ") + e);
        if (System.getenv("VMTREE_DEBUG") != null) {
          e.printStackTrace(terminal.err());
        }
      }
      terminal.err().flush();
      return ExitCodes.ERROR;
    };
  }

  /** {@return true when {@code holder} ran on this machine} */
  static boolean takenHere(LockInfo holder) {
    String here;
    try {
      here = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      here = "localhost";
    }
    return here.equals(holder.host());
  }

  /** {@return true when {@code holder} ran on this machine and its process still runs} */
  static boolean stillRunningHere(LockInfo holder) {
    return takenHere(holder)
        && ProcessHandle.of(holder.pid()).map(ProcessHandle::isAlive).orElse(false);
  }

  /** Tells whether the holder still runs, when it ran on this machine, and how to unlock. */
  private static String lockHint(LockInfo holder) {
    boolean local = takenHere(holder);
    if (stillRunningHere(holder)) {
      return "It is still running (pid " + holder.pid() + "): wait for it to finish.";
    }
    String why =
        local
            ? "pid "
                + holder.pid()
                + " is no longer running on this host, so the lock was left"
                + " behind by a process that died."
            : "It was taken on another host (" + holder.host() + ").";
    return why
        + " If no apply is running, remove it with: vmtree force-unlock "
        + holder.id()
        + " (the next apply resolves what it left unfinished).";
  }

  private static <T> Supplier<T> memoize(Supplier<T> supplier) {
    return new Supplier<>() {
      private T value;

      @Override
      public synchronized T get() {
        if (value == null) {
          value = supplier.get();
        }
        return value;
      }
    };
  }
}
