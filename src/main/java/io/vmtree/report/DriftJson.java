package io.vmtree.report;

import io.vmtree.plan.Drift;
import io.vmtree.plan.DriftField;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The drift objects of SPEC §4 ({@code drift --format json}), shared with {@code plan --json}. */
public final class DriftJson {
  private DriftJson() {}

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
        field.put("origin", f.origin());
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
