package io.vmtree.report;

import io.vmtree.engine.DriftReport;
import io.vmtree.plan.Drift;
import io.vmtree.plan.DriftField;
import io.vmtree.plan.Transition;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code drift --format markdown}: a heading, a one-line verdict and a GitHub-flavoured table (one
 * row per drifted field, or per drift without fields, whose Actual cell then says what is there
 * instead), fit for a pull-request or issue comment. The table is shared with {@code plan --format
 * markdown}.
 */
public final class DriftMarkdown {
  private DriftMarkdown() {}

  /** {@return the report as Markdown} */
  public static String render(DriftReport report) {
    StringBuilder md = new StringBuilder("### vmtree drift\n\n");
    long failing = report.drift().stream().filter(Drift::counts).count();
    List<String> hypervisors = new ArrayList<>();
    for (DriftReport.HypervisorCheck h : report.hypervisors()) {
      hypervisors.add(
          "`" + h.name() + "` " + (h.reachable() ? h.vms() + " VM(s)" : "**unreachable**"));
    }
    if (report.drift().isEmpty()) {
      md.append("**No drift.** ");
    } else if (failing == 0) {
      md.append("**No drift that fails:** only fields listed in `lifecycle.ignore_changes`. ");
    } else {
      md.append("**Drift found:** ").append(failing).append(" to look at. ");
    }
    md.append(report.descriptors().size())
        .append(" descriptor(s) checked; hypervisors: ")
        .append(hypervisors.isEmpty() ? "none" : String.join(", ", hypervisors))
        .append(".\n");
    if (!report.drift().isEmpty()) {
      md.append('\n').append(table(report.drift()));
    }
    if (!report.transitions().isEmpty()) {
      md.append('\n').append(transitions(report.transitions()));
    }
    return md.toString();
  }

  /** {@return the drift table: header, separator, one row per field or per fieldless drift} */
  public static String table(List<Drift> drift) {
    StringBuilder md =
        new StringBuilder(
            "| Status | Descriptor or VM | Kind | Field | Expected | Actual | Expected value set at |\n"
                + "|---|---|---|---|---|---|---|\n");
    for (Drift d : drift) {
      if (d.fields().isEmpty()) {
        // what is there instead of the expected VM goes in the Actual column
        row(md, "**drift**", code(d.fullName()), d.kind().label(), "", "", cell(detail(d)), "");
        continue;
      }
      for (DriftField f : d.fields()) {
        row(
            md,
            f.ignored() ? "ignored" : "**drift**",
            code(d.fullName()),
            d.kind().label(),
            code(f.field()),
            code(PlanRenderer.value(f.expected())),
            code(PlanRenderer.value(f.actual())),
            f.origin() == null ? "" : code(f.origin().describe()));
      }
    }
    return md.toString();
  }

  /** {@return the lifecycle transitions as a list} */
  public static String transitions(List<Transition> transitions) {
    StringBuilder md = new StringBuilder("Seen on refresh (the next `apply` records it):\n\n");
    for (Transition t : transitions) {
      md.append("- ")
          .append(code(t.fullName()))
          .append(": ")
          .append(t.from().label())
          .append(" → ")
          .append(t.to().label())
          .append(" (")
          .append(cell(t.reason()))
          .append(")\n");
    }
    return md.toString();
  }

  private static String detail(Drift d) {
    return switch (d.kind()) {
      case MISSING -> "VM " + d.vmId() + " is gone from " + d.hypervisor();
      case UNREACHABLE -> "hypervisor " + d.hypervisor() + " is unreachable: " + d.message();
      case UNMANAGED -> "VM " + d.vmId() + " on " + d.hypervisor() + " has no vmtree marker";
      case ORPHANED ->
          "VM " + d.vmId() + " on " + d.hypervisor() + " carries a path the state does not know";
      case CHANGED -> "";
    };
  }

  private static void row(StringBuilder md, String... cells) {
    md.append("| ").append(String.join(" | ", cells)).append(" |\n");
  }

  /** {@return text safe in a table cell: no line breaks, pipes escaped} */
  static String cell(String text) {
    return text.replace("\r", " ").replace("\n", " ").replace("|", "\\|");
  }

  /** {@return text as inline code in a table cell, or escaped plain text if it holds backticks} */
  static String code(String text) {
    if (text.contains("`")) {
      return cell(text);
    }
    return "`" + cell(text) + "`";
  }
}
