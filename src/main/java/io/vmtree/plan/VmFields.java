package io.vmtree.plan;

import io.vmtree.connector.LiveVm;
import io.vmtree.definition.MemorySize;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How the fields of a computed definition relate to a VM (SPEC §11 "Replace vs update"): which
 * change in place, which replace the VM, which move it, and which never touch it.
 */
public final class VmFields {
  /** Changed in place by an update. */
  static final List<String> UPDATABLE = List.of("vcpu", "memory", "power", "tags", "description");

  /** A change replaces the VM. */
  static final List<String> REPLACING =
      List.of(
          "base_image",
          "use_hypervisor",
          "hypervisor_type",
          "datacenter",
          "cluster",
          "resource_pool",
          "datastore",
          "node",
          "storage");

  /** A change moves the VM on its hypervisor. */
  static final List<String> MOVING = List.of("vm_folder", "pool");

  private static final Set<String> SIZES = Set.of("vcpu", "memory");

  private VmFields() {}

  /** {@return the updatable fields of a live VM, in the form of a computed config} */
  static Map<String, Object> of(LiveVm vm) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("vcpu", vm.vcpu());
    fields.put("memory", MemorySize.ofMebibytes(Math.max(1, vm.memoryMib())).canonical());
    fields.put("power", vm.poweredOn() ? "on" : "off");
    fields.put("tags", vm.tags());
    fields.put("description", vm.description());
    return fields;
  }

  /**
   * {@return {@code config} as deployed on {@code vm}}: the same map when the VM has every field
   * that changes in place as configured; otherwise a copy holding the VM's own values of those it
   * has not. A deploy whose create found a VM already carrying the marker (made by a run that died,
   * or by hand) gets that VM as it is; recording the config instead would hide the difference from
   * the next plan and show it as drift.
   */
  public static Map<String, Object> asDeployed(Map<String, Object> config, LiveVm vm) {
    Map<String, Object> live = of(vm);
    Map<String, Object> deployed = config;
    for (String field : UPDATABLE) {
      if (!same(field, config.get(field), live.get(field))) {
        if (deployed == config) {
          deployed = new LinkedHashMap<>(config);
        }
        Object value = live.get(field);
        if (value == null) {
          deployed.remove(field); // absent, as a config without it says (state maps hold no null)
        } else {
          deployed.put(field, value);
        }
      }
    }
    return deployed;
  }

  /** {@return true when two values of {@code field} mean the same (absent = empty)} */
  static boolean same(String field, Object a, Object b) {
    return Objects.equals(normal(field, a), normal(field, b));
  }

  /** {@return the value of {@code field} with absent, empty and number types made comparable} */
  static Object normal(String field, Object value) {
    if (value == null) {
      return switch (field) {
        case "tags" -> Map.of();
        case "description" -> "";
        case "power" -> "on";
        default -> null;
      };
    }
    if (value instanceof Number n && !(value instanceof Double)) {
      return n.longValue();
    }
    if (value instanceof Map<?, ?> map) {
      return new java.util.TreeMap<>(map);
    }
    return value;
  }

  /**
   * {@return true when going from {@code before} to {@code after} grows a size that {@code vm}
   * cannot grow while it runs (no CPU or memory hot-add)}
   */
  static boolean growsWithoutHotAdd(String field, Object before, Object after, LiveVm vm) {
    if (vm == null || !SIZES.contains(field) || before == null || after == null) {
      return false;
    }
    boolean hotAdd = field.equals("vcpu") ? vm.cpuHotAdd() : vm.memoryHotAdd();
    return !hotAdd && mebibytesOrCount(after) > mebibytesOrCount(before);
  }

  /** {@return true when going from {@code before} to {@code after} shrinks a size} */
  static boolean shrinks(String field, Object before, Object after) {
    if (!SIZES.contains(field) || before == null || after == null) {
      return false;
    }
    return mebibytesOrCount(after) < mebibytesOrCount(before);
  }

  private static long mebibytesOrCount(Object value) {
    if (value instanceof Number n) {
      return n.longValue();
    }
    return MemorySize.parse(value.toString()).mebibytes();
  }
}
