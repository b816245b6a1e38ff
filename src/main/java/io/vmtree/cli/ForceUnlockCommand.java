package io.vmtree.cli;

import io.vmtree.state.LocalStateBackend;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code vmtree force-unlock ID}: removes a lock left by a process that died. */
@Command(
    name = "force-unlock",
    mixinStandardHelpOptions = true,
    description = {
      "Removes the state lock with this id (shown by the command that found it locked).",
      "Only do this when the holder is gone: two applies at once can duplicate VMs.",
      "A holder still running on this host is refused unless --force is given."
    })
final class ForceUnlockCommand implements Callable<Integer> {
  @ParentCommand VmtreeCommand root;
  @Mixin StateOption state;

  @Parameters(index = "0", paramLabel = "ID", description = "The lock's id.")
  String id;

  @Option(
      names = "--force",
      description =
          "Remove it even though its process still runs on this host (for instance a pid that"
              + " was reused by another program).")
  boolean force;

  @Override
  public Integer call() {
    LocalStateBackend backend = LocalStateBackend.of(state.path());
    // the checks of forceUnlock (no lock, another id) come first: their messages name the lock
    backend
        .lockHolder()
        .filter(holder -> holder.id().equals(id) && !force && Cli.stillRunningHere(holder))
        .ifPresent(
            holder -> {
              throw new CliException(
                  ExitCodes.ERROR,
                  "lock "
                      + id
                      + " is "
                      + holder.describe()
                      + ", and pid "
                      + holder.pid()
                      + " is still running on this host: wait for it to finish, or stop it"
                      + " first (--force removes the lock anyway)");
            });
    backend.forceUnlock(id);
    root.terminal().out().println("Removed lock " + id + " of " + state.path() + ".");
    root.terminal().out().flush();
    return ExitCodes.OK;
  }
}
