package io.vmtree.report;

import io.vmtree.apply.ApplyResult;
import io.vmtree.engine.ApplyOutcome;
import io.vmtree.ops.Operation;
import io.vmtree.ops.OperationStatus;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders the end of an apply: what did and did not happen. */
public final class ApplyRenderer {
  private ApplyRenderer() {}

  /** {@return the apply as JSON: the plan, every operation, and counts} */
  public static Map<String, Object> toJson(ApplyOutcome outcome) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("format_version", "1");
    json.put("plan", PlanRenderer.toJson(outcome.plan()));
    json.put("approved", outcome.approved());
    List<Object> operations = new ArrayList<>();
    outcome
        .result()
        .ifPresent(r -> r.operations().forEach(op -> operations.add(OperationJson.of(op))));
    json.put("operations", operations);
    Map<String, Object> summary = new LinkedHashMap<>();
    for (OperationStatus status :
        List.of(OperationStatus.SUCCEEDED, OperationStatus.FAILED, OperationStatus.SKIPPED)) {
      summary.put(status.label(), outcome.result().map(r -> r.count(status)).orElse(0L));
    }
    json.put("summary", summary);
    outcome.result().ifPresent(r -> json.put("hypervisor_calls", r.calls()));
    return json;
  }

  /** Writes the closing lines of an apply. */
  public static void text(ApplyOutcome outcome, PrintWriter out, Style style) {
    if (outcome.recovered() > 0) {
      out.println(
          style.warning("Resolved ")
              + outcome.recovered()
              + " interrupted operation(s) of an earlier run by looking at the hypervisors.");
    }
    if (outcome.result().isEmpty()) {
      out.println(
          outcome.approved()
              ? "Nothing to do."
              : style.error("Apply cancelled.") + " Nothing was changed.");
      out.flush();
      return;
    }
    ApplyResult result = outcome.result().get();
    List<Operation> problems =
        result.operations().stream()
            .filter(op -> op.status() != OperationStatus.SUCCEEDED)
            .toList();
    if (!problems.isEmpty()) {
      out.println();
      out.println("Not done:");
      for (Operation op : problems) {
        out.println(
            "  "
                + op.type()
                + " "
                + String.join(", ", op.targets())
                + " (op "
                + op.id()
                + ", "
                + op.status().label()
                + "): "
                + op.error());
      }
    }
    long succeeded = result.count(OperationStatus.SUCCEEDED);
    long failed = result.count(OperationStatus.FAILED);
    long skipped = result.count(OperationStatus.SKIPPED);
    String counts = succeeded + " succeeded, " + failed + " failed, " + skipped + " skipped.";
    out.println();
    out.println(
        result.isSuccess()
            ? style.ok("Apply complete: ") + counts
            : style.error("Apply finished with errors: ")
                + counts
                + " Run apply again to retry what is left.");
    out.flush();
  }
}
