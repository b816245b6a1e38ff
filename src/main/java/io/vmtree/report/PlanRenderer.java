package io.vmtree.report;

import io.vmtree.plan.Action;
import io.vmtree.plan.Change;
import io.vmtree.plan.Plan;
import io.vmtree.plan.Reason;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.io.JsonStringEncoder;

/** Renders a plan: Terraform-like text with symbols, or the JSON of SPEC §4. */
public final class PlanRenderer {
  private PlanRenderer() {}

  /** {@return the SPEC §4 {@code plan --json} object} */
  public static Map<String, Object> toJson(Plan plan) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("format_version", "1");
    List<Object> changes = new ArrayList<>();
    for (Change change : plan.changes()) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("full_name", change.path().toString());
      c.put("action", change.action().label());
      if (change.from() != null) {
        c.put("from", change.from().toString());
      }
      List<Object> reasons = new ArrayList<>();
      for (Reason reason : change.reasons()) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("field", reason.field());
        r.put("before", reason.before());
        r.put("after", reason.after());
        r.put("origin", reason.origin());
        if (reason.note() != null) {
          r.put("note", reason.note());
        }
        reasons.add(r);
      }
      c.put("reasons", reasons);
      if (change.requiresReboot()) {
        c.put("requires_reboot", true);
        c.put("blocked", change.blocked());
      }
      changes.add(c);
    }
    json.put("changes", changes);
    json.put("drift", DriftJson.items(plan.drift()));
    json.put("transitions", DriftJson.transitions(plan.transitions()));
    Map<String, Object> summary = new LinkedHashMap<>();
    plan.summary().forEach((action, n) -> summary.put(action.label(), n));
    json.put("summary", summary);
    return json;
  }

  /** Writes the plan as text: drift first, then every change with its reasons, then a summary. */
  public static void text(Plan plan, PrintWriter out, Style style) {
    if (!plan.drift().isEmpty()) {
      out.println(style.bold("Drift: the hypervisors differ from what vmtree last applied"));
      DriftText.blocks(plan.drift(), out, style);
      out.println();
    }
    if (!plan.transitions().isEmpty()) {
      DriftText.transitions(plan.transitions(), out, style);
      out.println();
    }
    if (plan.isEmpty()) {
      out.println(style.ok("No changes.") + " The hypervisors and the state match the tree.");
      out.flush();
      return;
    }
    out.println("vmtree will perform the following actions:");
    out.println();
    for (Change change : plan.changes()) {
      out.println("  " + symbol(change.action(), style) + " " + headline(change));
      for (Reason reason : change.reasons()) {
        String line = reasonLine(reason);
        if (line != null) {
          out.println("      " + line);
        }
      }
      if (change.blocked()) {
        out.println(
            "      "
                + style.error("blocked:")
                + " needs the VM powered off; set lifecycle.allow_reboot: true to allow it");
      }
    }
    out.println();
    out.println(summaryLine(plan));
    out.flush();
  }

  /** {@return "Plan: 1 to provision, ..." with every counted action} */
  public static String summaryLine(Plan plan) {
    List<String> parts = new ArrayList<>();
    plan.summary().forEach((action, n) -> parts.add(n + " to " + action.label()));
    return "Plan: " + String.join(", ", parts) + ".";
  }

  private static String symbol(Action action, Style style) {
    return switch (action) {
      case PROVISION, DEPLOY, CREATE_FOLDER -> style.ok("+");
      case UPDATE -> style.warning("~");
      case MOVE -> style.warning(">");
      case REPLACE -> style.error("-/+");
      case UNDEPLOY, DEPROVISION, DELETE_FOLDER -> style.error("-");
    };
  }

  private static String headline(Change change) {
    String path = change.path().toString();
    Map<String, Object> config = change.desired() == null ? Map.of() : change.desired().config();
    return switch (change.action()) {
      case PROVISION -> path + " will be provisioned";
      case DEPLOY -> path + " will be deployed" + placement(config);
      case UPDATE ->
          path + " will be updated in place" + (change.requiresReboot() ? " (power cycle)" : "");
      case REPLACE -> path + " will be replaced" + placement(config);
      case MOVE ->
          change.from() != null
              ? change.from() + " will be moved to " + path
              : path + " will be moved";
      case UNDEPLOY -> path + " will be undeployed (its VM destroyed)";
      case DEPROVISION -> path + " will be deprovisioned";
      case CREATE_FOLDER -> "folder " + path + " will be created";
      case DELETE_FOLDER -> "folder " + path + " will be deleted";
    };
  }

  private static String placement(Map<String, Object> config) {
    if (config.isEmpty()) {
      return "";
    }
    return " on "
        + config.get("use_hypervisor")
        + " ("
        + config.get("base_image")
        + ", "
        + config.get("vcpu")
        + " vCPU, "
        + config.get("memory")
        + ")";
  }

  private static String reasonLine(Reason reason) {
    String origin = reason.origin() == null ? "" : "  # " + reason.origin();
    String note = reason.note() == null ? "" : " (" + reason.note() + ")";
    if (reason.before() == null && reason.after() == null) {
      return "because: " + (reason.note() == null ? reason.field() : reason.note()) + origin;
    }
    if (reason.field().equals("local_definition")) {
      return "local_definition changed" + note + origin;
    }
    return reason.field()
        + ": "
        + value(reason.before())
        + " -> "
        + value(reason.after())
        + note
        + origin;
  }

  /**
   * {@return a value as the plan and drift reports show it}: a string quoted and escaped as in JSON
   * (as Terraform shows one), so that a quote, a backslash or a line break inside it cannot be
   * taken for the end of the value or of the report's line
   */
  static String value(Object value) {
    if (value == null) {
      return "(none)";
    }
    if (value instanceof String text) {
      StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
      JsonStringEncoder.getInstance().quoteAsString(text, quoted);
      return quoted.append('"').toString();
    }
    return String.valueOf(value);
  }
}
