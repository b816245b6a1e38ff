package io.vmtree.cli;

import io.vmtree.engine.Engine;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** A sub-command that calls the engine: parse, call, render, return an exit code. */
abstract class EngineCommand implements Callable<Integer> {
  @ParentCommand VmtreeCommand root;
  @Mixin GlobalOptions global;

  @Override
  public final Integer call() throws Exception {
    Terminal terminal = root.terminal();
    if (global.noColor) {
      terminal = terminal.withoutColor();
    }
    return run(root.engine(), terminal);
  }

  /** {@return the exit code, after writing the result to {@code terminal}} */
  protected abstract int run(Engine engine, Terminal terminal) throws Exception;
}
