package io.vmtree.cli;

import io.vmtree.engine.Engine;
import io.vmtree.engine.PlanRun;
import io.vmtree.ops.LineLog;
import io.vmtree.plan.Plan;
import io.vmtree.plan.PlanFile;
import io.vmtree.plan.PlanOptions;
import io.vmtree.plan.PlanResult;
import io.vmtree.report.DiagnosticsRenderer;
import io.vmtree.report.Json;
import io.vmtree.report.PlanMarkdown;
import io.vmtree.report.PlanRenderer;
import io.vmtree.report.Style;
import io.vmtree.state.LocalStateBackend;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vmtree plan TREE}: what apply would do, and the drift refresh found. */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description = {
      "Shows what apply would change, and why.",
      "Refreshes every hypervisor (one bulk call each), then compares: the tree with the state",
      "and the live VMs. Never writes the state."
    })
final class PlanCommand extends EngineCommand {
  @Mixin StateOption state;
  @Mixin TargetOptions targets;

  @Parameters(index = "0", paramLabel = "TREE", description = "The tree's root directory.")
  Path tree;

  @Option(names = "--out", paramLabel = "FILE", description = "Save the plan for 'apply FILE'.")
  Path out;

  @Option(
      names = "--detailed-exitcode",
      description = "Exit 0 when there are no changes, 2 when there are (1 on error).")
  boolean detailedExitCode;

  @Mixin RefreshOption refresh;

  @Option(names = "--json", description = "Print the plan as JSON (SPEC §4).")
  boolean json;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description = "text (default), json (as --json) or markdown (for a pull-request comment).")
  String format = "text";

  @Override
  protected int run(Engine engine, Terminal terminal) throws IOException {
    boolean markdown = format.equalsIgnoreCase("markdown");
    if (format.equalsIgnoreCase("json")) {
      json = true;
    } else if (!markdown && !format.equalsIgnoreCase("text")) {
      throw new CliException(
          ExitCodes.ERROR, "unknown format '" + format + "' (text, json or markdown)");
    }
    PlanOptions options = targets.options();
    PlanRun run = engine.plan(tree, LocalStateBackend.of(state.path()), options, refresh.refresh);
    PlanResult result = run.result();
    Style style = new Style(terminal.color());
    DiagnosticsRenderer.render(result.diagnostics(), terminal.err(), style);
    if (result.diagnostics().hasErrors()) {
      return ExitCodes.ERROR;
    }
    Plan plan = result.plan();
    if (!json && !markdown) {
      terminal
          .err()
          .println(
              style.dim(
                  String.format(
                      "Refreshed %d hypervisor(s) with %d call(s); planned in %.2f s.",
                      run.calls().size(), run.totalCalls(), run.took().toMillis() / 1000.0)));
      terminal.err().flush();
    }
    if (json) {
      terminal.out().println(Json.write(PlanRenderer.toJson(plan)));
      terminal.out().flush();
    } else if (markdown) {
      terminal.out().print(PlanMarkdown.render(plan));
      terminal.out().flush();
    } else {
      PlanRenderer.text(plan, terminal.out(), style);
    }
    if (out != null) {
      try {
        PlanFile.write(out, plan);
      } catch (IOException e) {
        throw new CliException(
            ExitCodes.ERROR, "cannot save the plan to " + out + ": " + LineLog.reason(e));
      }
      if (!json && !markdown) {
        terminal.out().println("Saved the plan to " + out + "; apply it with: vmtree apply " + out);
        terminal.out().flush();
      }
    }
    return detailedExitCode && !plan.isEmpty() ? ExitCodes.CHANGES : ExitCodes.OK;
  }
}
