package io.vmtree.cli;

import io.vmtree.apply.ApplyResult;
import io.vmtree.engine.ApplyOutcome;
import io.vmtree.engine.ApplyRequest;
import io.vmtree.engine.Engine;
import io.vmtree.ops.OperationStatus;
import io.vmtree.plan.Plan;
import io.vmtree.plan.PlanFile;
import io.vmtree.report.ApplyRenderer;
import io.vmtree.report.Json;
import io.vmtree.report.PlanRenderer;
import io.vmtree.report.Style;
import io.vmtree.state.LocalStateBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vmtree apply TREE|PLANFILE}: converge the hypervisors on the tree. */
@Command(
    name = "apply",
    mixinStandardHelpOptions = true,
    description = {
      "Makes the hypervisors match the tree, or runs a saved plan.",
      "From a tree: plans, shows the plan and asks for 'yes' (or --auto-approve).",
      "From a plan file: runs it as saved, refused when the state changed since."
    })
final class ApplyCommand extends EngineCommand {
  @Mixin StateOption state;
  @Mixin TargetOptions targets;

  @Parameters(
      index = "0",
      paramLabel = "TREE|PLANFILE",
      description = "A tree directory or a plan file.")
  Path source;

  @Option(names = "--auto-approve", description = "Apply without asking.")
  boolean autoApprove;

  @Option(
      names = "--parallelism",
      paramLabel = "N",
      defaultValue = "10",
      description = "Operations at once (default 10), within each hypervisor's max_parallel.")
  int parallelism;

  @Mixin RefreshOption refresh;

  @Option(names = "--json", description = "Print the plan and the operations as JSON.")
  boolean json;

  @Override
  protected int run(Engine engine, Terminal terminal) {
    if (parallelism < 1) {
      throw new CliException(ExitCodes.ERROR, "--parallelism must be at least 1");
    }
    boolean planFile = Files.isRegularFile(source);
    if (!planFile && !Files.isDirectory(source)) {
      throw new CliException(
          ExitCodes.ERROR, source + " is neither a tree directory nor a plan file");
    }
    if (planFile && targets.any()) {
      throw new CliException(
          ExitCodes.ERROR,
          "--target and --replace cannot be used with a plan file: plan again with them");
    }
    if (!planFile && !autoApprove && !terminal.interactive()) {
      throw new CliException(
          ExitCodes.ERROR,
          "apply asks for confirmation, and nobody can answer here (no terminal): review the plan"
              + " and run apply with --auto-approve, or apply a saved plan file");
    }
    Style style = new Style(terminal.color());
    Plan saved = null;
    if (planFile) {
      try {
        saved = PlanFile.read(source);
      } catch (IllegalArgumentException e) {
        throw new CliException(ExitCodes.ERROR, e.getMessage());
      }
    }
    ProgressListener progress = new ProgressListener(terminal, style, json);
    ApplyRequest request =
        new ApplyRequest(
            planFile ? null : source,
            saved,
            targets.options(),
            refresh.refresh,
            parallelism,
            "apply " + source,
            plan -> approve(plan, terminal, style),
            progress);
    ApplyOutcome outcome = engine.apply(LocalStateBackend.of(state.path()), request);
    progress.close();
    if (json) {
      terminal.out().println(Json.write(ApplyRenderer.toJson(outcome)));
      terminal.out().flush();
    } else {
      ApplyRenderer.text(outcome, terminal.out(), style);
    }
    return outcome
        .result()
        .map(ApplyCommand::exitCode)
        .orElse(outcome.approved() ? ExitCodes.OK : ExitCodes.ERROR);
  }

  private boolean approve(Plan plan, Terminal terminal, Style style) {
    if (!json) {
      PlanRenderer.text(plan, terminal.out(), style);
    }
    if (autoApprove) {
      return true;
    }
    terminal.out().println();
    String answer =
        terminal.ask("Do you want to perform these actions? Only 'yes' will be accepted: ");
    return "yes".equals(answer == null ? null : answer.strip());
  }

  private static int exitCode(ApplyResult result) {
    boolean failed =
        result.operations().stream()
            .anyMatch(
                op ->
                    op.status() == OperationStatus.FAILED
                        || (op.status() == OperationStatus.SKIPPED && !ApplyResult.isBlocked(op)));
    return failed ? ExitCodes.ERROR : ExitCodes.OK;
  }
}
