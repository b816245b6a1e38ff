package io.vmtree.cli;

import io.vmtree.connector.ConnectorException;
import io.vmtree.engine.Engine;
import io.vmtree.engine.EngineException;
import io.vmtree.model.ModelException;
import io.vmtree.report.DiagnosticsRenderer;
import io.vmtree.report.Style;
import io.vmtree.state.LockInfo;
import io.vmtree.state.LockedException;
import io.vmtree.state.StateException;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;

/**
 * Builds the picocli {@link CommandLine} once, with the exit-code mapping and the handlers that
 * turn every failure into a message (never a stack trace). Tests use it with their own writers.
 */
public final class Cli {
  private Cli() {}

  /** {@return the exit code of running {@code args} against {@code terminal}} */
  public static int run(Terminal terminal, String... args) {
    return build(terminal, Engine::create).execute(args);
  }

  /** {@return the command line, writing to {@code terminal}, creating the engine lazily} */
  public static CommandLine build(Terminal terminal, Supplier<Engine> engine) {
    CommandLine cli = new CommandLine(new VmtreeCommand(terminal, memoize(engine)));
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

  private static IParameterExceptionHandler usageError() {
    return (e, args) -> {
      CommandLine cmd = e.getCommandLine();
      cmd.getErr().println("error: " + e.getMessage());
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

  /** Tells whether the holder still runs, when it ran on this machine, and how to unlock. */
  private static String lockHint(LockInfo holder) {
    String here;
    try {
      here = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      here = "localhost";
    }
    boolean local = here.equals(holder.host());
    if (local && ProcessHandle.of(holder.pid()).map(ProcessHandle::isAlive).orElse(false)) {
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
