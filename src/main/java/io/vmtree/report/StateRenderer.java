package io.vmtree.report;

import io.vmtree.definition.SecretRef;
import io.vmtree.engine.StateView;
import io.vmtree.state.DescriptorState;
import io.vmtree.state.LastOperation;
import io.vmtree.tree.TreePath;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders what {@code state list} and {@code state show} read. The state never holds a secret (a
 * literal password is stored as {@code (sensitive)}); as a second line of defence, any {@code
 * password} or {@code token_secret} that is not a {@code ${env:...}}/{@code ${file:...}} reference
 * is masked here too, so no state file, however written, can print one.
 */
public final class StateRenderer {
  private StateRenderer() {}

  /**
   * Writes one line per recorded folder and descriptor of {@code view}, sorted by path, under a
   * header; nothing at all when there is nothing.
   */
  public static void list(StateView view, PrintWriter out) {
    if (entries(view).isEmpty()) {
      return;
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"PATH", "STATUS", "HYPERVISOR", "VM_ID", ""});
    for (Map<String, Object> entry : entries(view)) {
      rows.add(
          new String[] {
            entry.get("full_name").toString(),
            entry.get("status").toString(),
            text(entry.get("hypervisor")),
            text(entry.get("vm_id")),
            entry.containsKey("pending") ? "interrupted: " + entry.get("pending") : ""
          });
    }
    int[] widths = new int[4];
    for (String[] row : rows) {
      for (int i = 0; i < widths.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(i < widths.length ? pad(row[i], widths[i]) : row[i]).append("  ");
      }
      out.println(line.toString().stripTrailing());
    }
    out.flush();
  }

  /** {@return {@code state list --json}: {@code {"format_version", "entries": [...]}}} */
  public static Map<String, Object> listJson(StateView view) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("format_version", "1");
    json.put("entries", entries(view));
    return json;
  }

  /** {@return {@code state show}: a descriptor's persisted properties, or a folder's content} */
  public static Map<String, Object> show(StateView view) {
    return view instanceof StateView.Folder f
        ? folder(f)
        : descriptor(((StateView.Descriptor) view).descriptor());
  }

  private static List<Map<String, Object>> entries(StateView view) {
    Map<TreePath, Map<String, Object>> sorted = new TreeMap<>();
    if (view instanceof StateView.Folder folder) {
      if (folder.recorded()) {
        sorted.put(folder.path(), folderEntry(folder.path()));
      }
      folder.folders().forEach(f -> sorted.put(f, folderEntry(f)));
      folder.descriptors().forEach(d -> sorted.put(d.fullName(), descriptorEntry(d)));
    } else if (view instanceof StateView.Descriptor d) {
      sorted.put(d.path(), descriptorEntry(d.descriptor()));
    }
    return List.copyOf(sorted.values());
  }

  private static Map<String, Object> folderEntry(TreePath path) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("full_name", path.toString());
    entry.put("kind", "folder");
    entry.put("status", "folder");
    return entry;
  }

  private static Map<String, Object> descriptorEntry(DescriptorState d) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("full_name", d.fullName().toString());
    entry.put("kind", "descriptor");
    entry.put("status", d.status().label());
    entry.put("hypervisor", d.hypervisor());
    entry.put("vm_id", d.vmId());
    if (d.pending() != null) {
      entry.put("pending", "operation " + d.pending().id() + " (" + d.pending().type() + ")");
    }
    return entry;
  }

  private static Map<String, Object> folder(StateView.Folder folder) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("full_name", folder.path().toString());
    json.put("kind", "folder");
    json.put("recorded", folder.recorded());
    json.put("folders", folder.folders().stream().map(TreePath::toString).toList());
    List<Object> descriptors = new ArrayList<>();
    for (DescriptorState d : folder.descriptors()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("full_name", d.fullName().toString());
      entry.put("status", d.status().label());
      descriptors.add(entry);
    }
    json.put("descriptors", descriptors);
    return json;
  }

  private static Map<String, Object> descriptor(DescriptorState d) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("full_name", d.fullName().toString());
    json.put("kind", "descriptor");
    json.put("status", d.status().label());
    json.put("vm_id", d.vmId());
    json.put("hypervisor", d.hypervisor());
    json.put("local_definition", masked(d.localDefinition()));
    json.put("deployed_config", d.deployedConfig() == null ? null : masked(d.deployedConfig()));
    json.put("last_error", d.lastError());
    json.put("last_operation", operation(d.lastOperation()));
    json.put("lifecycle", d.lifecycle().fields());
    json.put("depends_on", d.dependsOn().stream().map(TreePath::toString).toList());
    json.put("pending", operation(d.pending()));
    return json;
  }

  private static Map<String, Object> operation(LastOperation op) {
    if (op == null) {
      return null;
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", op.id());
    json.put("type", op.type());
    json.put("started", op.started() == null ? null : op.started().toString());
    json.put("finished", op.finished() == null ? null : op.finished().toString());
    json.put("outcome", op.outcome());
    json.put("result", masked(op.result()));
    return json;
  }

  /** {@return {@code map} sorted by key, with every literal secret at any depth masked} */
  static Map<String, Object> masked(Map<?, ?> map) {
    Map<String, Object> copy = new TreeMap<>();
    map.forEach((k, v) -> copy.put(k.toString(), masked(k.toString(), v)));
    return copy;
  }

  private static Object masked(String key, Object value) {
    if (value instanceof Map<?, ?> map) {
      return masked(map);
    }
    if (value instanceof List<?> list) {
      return list.stream().map(v -> masked("", v)).toList();
    }
    if (SecretRef.SECRET_FIELDS.contains(key)
        && value instanceof String text
        && SecretRef.parse(text).isEmpty()) {
      return SecretRef.MASK;
    }
    return value;
  }

  private static String text(Object value) {
    return value == null ? "-" : value.toString();
  }

  private static String pad(String text, int width) {
    return text + " ".repeat(width - text.length());
  }
}
