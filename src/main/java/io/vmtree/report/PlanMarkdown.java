package io.vmtree.report;

import io.vmtree.plan.Change;
import io.vmtree.plan.Plan;
import io.vmtree.plan.Reason;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code plan --format markdown}: the plan as a pull-request comment — the summary line, the drift
 * table (the same as {@code drift --format markdown}) before the changes that fix it, then one row
 * per change with its reasons and their origins.
 */
public final class PlanMarkdown {
  private PlanMarkdown() {}

  /** {@return the plan as Markdown} */
  public static String render(Plan plan) {
    StringBuilder md = new StringBuilder("### vmtree plan\n\n");
    md.append(plan.isEmpty() ? "**No changes.** " : "")
        .append(PlanRenderer.summaryLine(plan))
        .append('\n');
    if (!plan.drift().isEmpty()) {
      md.append("\n#### Drift: the hypervisors differ from what vmtree last applied\n\n")
          .append(DriftMarkdown.table(plan.drift()));
    }
    if (!plan.transitions().isEmpty()) {
      md.append('\n').append(DriftMarkdown.transitions(plan.transitions()));
    }
    if (!plan.isEmpty()) {
      md.append("\n#### Changes\n\n| Action | Path | Why |\n|---|---|---|\n");
      for (Change change : plan.changes()) {
        List<String> why = new ArrayList<>();
        change.reasons().forEach(r -> why.add(reason(r)));
        if (change.blocked()) {
          why.add("**blocked**: needs the VM powered off; set `lifecycle.allow_reboot: true`");
        }
        md.append("| ")
            .append(change.action().label())
            .append(" | ")
            .append(DriftMarkdown.code(change.path().toString()))
            .append(
                change.from() == null
                    ? ""
                    : " (from " + DriftMarkdown.code(change.from().toString()) + ")")
            .append(" | ")
            .append(String.join("<br>", why))
            .append(" |\n");
      }
    }
    return md.toString();
  }

  private static String reason(Reason reason) {
    String origin = reason.origin() == null ? "" : " (" + DriftMarkdown.code(reason.origin()) + ")";
    String note = reason.note() == null ? "" : " — " + DriftMarkdown.cell(reason.note());
    if (reason.before() == null && reason.after() == null) {
      return DriftMarkdown.cell(reason.note() == null ? reason.field() : reason.note()) + origin;
    }
    return DriftMarkdown.code(reason.field())
        + ": "
        + DriftMarkdown.code(PlanRenderer.value(reason.before()))
        + " → "
        + DriftMarkdown.code(PlanRenderer.value(reason.after()))
        + note
        + origin;
  }
}
