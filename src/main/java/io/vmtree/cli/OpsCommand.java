package io.vmtree.cli;

import io.vmtree.ops.Operation;
import io.vmtree.ops.OperationStatus;
import io.vmtree.report.Json;
import io.vmtree.report.OperationJson;
import io.vmtree.state.LocalStateBackend;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code vmtree ops list|show}: the operation journal (SPEC §6). */
@Command(
    name = "ops",
    mixinStandardHelpOptions = true,
    description = "Lists and shows operations from the journal.",
    subcommands = {OpsCommand.ListOps.class, OpsCommand.Show.class})
final class OpsCommand implements Runnable {
  @ParentCommand VmtreeCommand root;
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "missing a sub-command: list or show");
  }

  /** {@code ops list}: one line per operation, oldest first, so the newest is at the bottom. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Lists operations, oldest first.")
  static final class ListOps implements Callable<Integer> {
    @ParentCommand OpsCommand ops;
    @Mixin StateOption state;

    @Option(
        names = "--status",
        paramLabel = "S",
        description = "Only pending, running, succeeded, failed or skipped.")
    String status;

    @Option(
        names = "--limit",
        paramLabel = "N",
        description = "Only the N newest (after --status), still oldest first.")
    Integer limit;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
      Terminal terminal = ops.root.terminal();
      OperationStatus wanted = status == null ? null : parseStatus(status);
      if (limit != null && limit < 0) {
        throw new CliException(ExitCodes.ERROR, "--limit must be 0 or more, got " + limit);
      }
      List<Operation> all = LocalStateBackend.of(state.path()).journal().list();
      if (wanted != null) {
        all = all.stream().filter(op -> op.status() == wanted).toList();
      }
      if (limit != null && all.size() > limit) {
        all = all.subList(all.size() - limit, all.size());
      }
      if (json) {
        terminal
            .out()
            .println(
                Json.write(
                    java.util.Map.of("operations", all.stream().map(OperationJson::of).toList())));
      } else {
        for (Operation op : all) {
          terminal
              .out()
              .println(
                  String.format(
                      "%6d  %-13s %-9s %s%s",
                      op.id(),
                      op.type(),
                      op.status().label(),
                      String.join(", ", op.targets()),
                      op.error() == null ? "" : "  (" + op.error() + ")"));
        }
      }
      terminal.out().flush();
      return ExitCodes.OK;
    }
  }

  private static OperationStatus parseStatus(String text) {
    for (OperationStatus status : OperationStatus.values()) {
      if (status.label().equals(text.toLowerCase(Locale.ROOT))) {
        return status;
      }
    }
    throw new CliException(
        ExitCodes.ERROR,
        "--status "
            + text
            + ": expected one of "
            + String.join(
                ", ",
                java.util.Arrays.stream(OperationStatus.values())
                    .map(OperationStatus::label)
                    .toList()));
  }

  /** {@code ops show ID}: one operation as JSON. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Shows one operation as JSON.")
  static final class Show implements Callable<Integer> {
    @ParentCommand OpsCommand ops;
    @Mixin StateOption state;

    @Parameters(index = "0", paramLabel = "ID", description = "The operation's id.")
    long id;

    @Override
    public Integer call() {
      Terminal terminal = ops.root.terminal();
      Optional<Operation> op = LocalStateBackend.of(state.path()).journal().get(id);
      if (op.isEmpty()) {
        throw new CliException(
            ExitCodes.ERROR, "no operation " + id + " in the journal of " + state.path());
      }
      terminal.out().println(Json.write(OperationJson.of(op.get())));
      terminal.out().flush();
      return ExitCodes.OK;
    }
  }
}
