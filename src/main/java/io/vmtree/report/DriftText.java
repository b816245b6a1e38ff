package io.vmtree.report;

import io.vmtree.engine.DriftReport;
import io.vmtree.plan.Drift;
import io.vmtree.plan.DriftField;
import io.vmtree.plan.Transition;
import java.io.PrintWriter;
import java.util.List;

/**
 * Drift as text: {@code vmtree drift} (the default format) and the drift part of {@code plan}. One
 * block per drift: a headline, then one line per field with expected and actual values and where
 * the expected value is written.
 */
public final class DriftText {
  private DriftText() {}

  /** Writes the whole report: drift, transitions seen on refresh, and a verdict. */
  public static void render(DriftReport report, PrintWriter out, Style style) {
    long failing = report.drift().stream().filter(Drift::counts).count();
    long ignored = report.drift().size() - failing;
    if (report.drift().isEmpty()) {
      out.println(
          style.ok("No drift.")
              + " "
              + report.descriptors().size()
              + " descriptor(s) match their VMs on "
              + report.hypervisors().size()
              + " hypervisor(s); no VM outside vmtree.");
    } else {
      out.println(style.bold("Drift: the hypervisors differ from what vmtree last applied"));
      blocks(report.drift(), out, style);
    }
    if (!report.transitions().isEmpty()) {
      out.println();
      transitions(report.transitions(), out, style);
    }
    if (!report.drift().isEmpty()) {
      out.println();
      out.println(
          (failing > 0 ? style.error("Drift found:") : style.ok("No drift that fails:"))
              + " "
              + failing
              + " to look at, "
              + ignored
              + " only in ignored fields (lifecycle.ignore_changes), "
              + report.descriptors().size()
              + " descriptor(s) checked.");
    }
    out.flush();
  }

  /** Writes one block per drift, indented by two spaces. */
  public static void blocks(List<Drift> drift, PrintWriter out, Style style) {
    for (Drift d : drift) {
      String symbol = d.counts() ? style.warning("!") : style.dim("~");
      out.println("  " + symbol + " " + headline(d));
      for (DriftField f : d.fields()) {
        out.println("      " + fieldLine(f, style));
      }
    }
  }

  /** Writes the lifecycle transitions refresh saw, which the next apply records. */
  public static void transitions(List<Transition> transitions, PrintWriter out, Style style) {
    out.println(style.bold("Seen on refresh (the next apply records it):"));
    for (Transition t : transitions) {
      out.println(
          "  "
              + t.fullName()
              + ": "
              + t.from().label()
              + " -> "
              + t.to().label()
              + " ("
              + t.reason()
              + ")");
    }
  }

  /** {@return one line saying what drifted, without the fields} */
  public static String headline(Drift drift) {
    return switch (drift.kind()) {
      case MISSING ->
          drift.fullName() + ": VM " + drift.vmId() + " is missing on " + drift.hypervisor();
      case UNREACHABLE ->
          drift.fullName()
              + ": hypervisor "
              + drift.hypervisor()
              + " is unreachable ("
              + drift.message()
              + ")";
      case UNMANAGED ->
          drift.fullName()
              + ": VM "
              + drift.vmId()
              + " on "
              + drift.hypervisor()
              + " has no vmtree marker (unmanaged)";
      case ORPHANED ->
          drift.fullName()
              + ": VM "
              + drift.vmId()
              + " on "
              + drift.hypervisor()
              + " carries a marker the state does not know (orphaned)";
      case CHANGED ->
          drift.fullName()
              + " changed on "
              + drift.hypervisor()
              + " ("
              + drift.vmId()
              + ")"
              + (drift.counts() ? "" : ", only in ignored fields");
    };
  }

  /** {@return "field: expected X, actual Y (ignored) # origin"} */
  public static String fieldLine(DriftField f, Style style) {
    String origin = f.origin() == null ? "" : style.dim("  # " + f.origin().describe());
    return f.field()
        + ": expected "
        + PlanRenderer.value(f.expected())
        + ", actual "
        + PlanRenderer.value(f.actual())
        + (f.ignored() ? " (ignored: lifecycle.ignore_changes)" : "")
        + origin;
  }
}
