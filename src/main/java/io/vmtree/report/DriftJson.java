package io.vmtree.report;

import io.vmtree.engine.DriftReport;
import io.vmtree.plan.Drift;
import io.vmtree.plan.DriftField;
import io.vmtree.plan.Transition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code drift --format json} (SPEC §4): {@code format_version}, the drift objects (shared with
 * {@code plan --json}), and the lifecycle transitions refresh saw.
 */
public final class DriftJson {
  private DriftJson() {}

  /** {@return the whole {@code drift --format json} document} */
  public static Map<String, Object> document(DriftReport report) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("format_version", "1");
    json.put("drift", items(report.drift()));
    json.put("transitions", transitions(report.transitions()));
    return json;
  }

  /** {@return one JSON object per transition: full_name, from, to, reason} */
  public static List<Object> transitions(List<Transition> transitions) {
    List<Object> items = new ArrayList<>();
    for (Transition t : transitions) {
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("full_name", t.fullName());
      item.put("from", t.from().label());
      item.put("to", t.to().label());
      item.put("reason", t.reason());
      items.add(item);
    }
    return items;
  }

  /** {@return one JSON object per drift} */
  public static List<Object> items(List<Drift> drift) {
    List<Object> items = new ArrayList<>();
    for (Drift d : drift) {
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("full_name", d.fullName());
      item.put("kind", d.kind().label());
      List<Object> fields = new ArrayList<>();
      for (DriftField f : d.fields()) {
        Map<String, Object> field = new LinkedHashMap<>();
        field.put("field", f.field());
        field.put("expected", f.expected());
        field.put("actual", f.actual());
        field.put("origin", f.origin() == null ? null : f.origin().describe());
        field.put("ignored", f.ignored());
        fields.add(field);
      }
      item.put("fields", fields);
      item.put("hypervisor", d.hypervisor());
      item.put("vm_id", d.vmId());
      if (d.message() != null) {
        item.put("message", d.message());
      }
      items.add(item);
    }
    return items;
  }
}
