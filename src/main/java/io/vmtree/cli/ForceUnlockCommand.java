package io.vmtree.cli;

import io.vmtree.state.LocalStateBackend;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code vmtree force-unlock ID}: removes a lock left by a process that died. */
@Command(
    name = "force-unlock",
    mixinStandardHelpOptions = true,
    description = {
      "Removes the state lock with this id (shown by the command that found it locked).",
      "Only do this when the holder is gone: two applies at once can duplicate VMs."
    })
final class ForceUnlockCommand implements Callable<Integer> {
  @ParentCommand VmtreeCommand root;
  @Mixin StateOption state;

  @Parameters(index = "0", paramLabel = "ID", description = "The lock's id.")
  String id;

  @Override
  public Integer call() {
    LocalStateBackend.of(state.path()).forceUnlock(id);
    root.terminal().out().println("Removed lock " + id + " of " + state.path() + ".");
    root.terminal().out().flush();
    return ExitCodes.OK;
  }
}
