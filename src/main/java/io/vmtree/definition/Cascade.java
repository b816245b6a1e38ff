package io.vmtree.definition;

import io.vmtree.diag.Diagnostics;
import io.vmtree.diag.Origin;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The cascade of SPEC §3: merges the chain of local definitions of a descriptor (root first, the
 * descriptor's own last) into its computed definition, and reports what is wrong with it.
 */
public final class Cascade {
  private static final List<String> CONNECTION_FIELDS = List.of("host", "user", "password");
  private static final String HYPERVISOR_TYPES = "vmware, proxmox or sim";

  private Cascade() {}

  /**
   * {@return the computed definition of the descriptor whose chain is {@code chain}}
   *
   * <p>Unknown prototypes and hypervisors, a hypervisor outside the allow list and a used
   * hypervisor without a type are reported to {@code diagnostics} as errors; the result then holds
   * whatever could still be computed.
   *
   * @param chain the local definitions of {@code /}, each folder down, and the descriptor, root
   *     first
   */
  public static ComputedDefinition compute(List<Definition> chain, Diagnostics diagnostics) {
    return new Computation(chain, diagnostics).run();
  }

  /**
   * Reports one error at {@code descriptorOrigin} for each parameter of {@link
   * ComputedDefinition#REQUIRED_TO_DEPLOY} that {@code computed} lacks; for a descriptor with
   * {@code target: deployed}.
   *
   * @param fullName the descriptor's full name, such as {@code /lab/web1}
   */
  public static void checkDeployable(
      ComputedDefinition computed,
      String fullName,
      Origin descriptorOrigin,
      Diagnostics diagnostics) {
    for (String parameter : ComputedDefinition.REQUIRED_TO_DEPLOY) {
      if (!computed.values().containsKey(parameter)) {
        diagnostics.error(
            descriptorOrigin,
            fullName + " is to be deployed but has no " + parameter,
            parameter.equals("use_hypervisor")
                ? "set it in the descriptor or a folder above"
                : "set it, or use_prototype, in the descriptor or a folder above");
      }
    }
  }

  /** The state of one compute() call. */
  private static final class Computation {
    private final List<Definition> chain;
    private final Diagnostics diagnostics;
    private final Map<String, Object> values = new LinkedHashMap<>(32);
    private final Map<String, Origin> origins = new LinkedHashMap<>(32);
    // prototypes looked up so far; a null value caches "unknown"
    private final Map<String, MapMerge.Entry> prototypes = new HashMap<>(4);

    private Valued<String> useHypervisor;
    private Valued<String> usePrototype;
    private Valued<String> baseImage;
    private Valued<Integer> vcpu;
    private Valued<MemorySize> memory;
    private Valued<Power> power;
    private Valued<String> description;

    Computation(List<Definition> chain, Diagnostics diagnostics) {
      this.chain = chain;
      this.diagnostics = diagnostics;
    }

    ComputedDefinition run() {
      for (Definition level : chain) {
        cascade(level);
      }
      AllowList allow = AllowList.of(chain);
      putHypervisor(allow);
      if (allow != null) {
        put("filter_hypervisors_allow", allow.names(), allow.deepest());
      }
      put("use_prototype", usePrototype);
      put("base_image", baseImage);
      put("vcpu", vcpu);
      put("memory", memory);
      if (power != null) {
        put("power", power.value().label(), power.origin());
      }
      put("description", description);
      putTags();
      return new ComputedDefinition(values, origins);
    }

    // Walking root first and overwriting is "nearest wins"; a level's prototype is expanded before
    // its own fields so that those beat it.
    private void cascade(Definition level) {
      if (isSet(level.usePrototype())) {
        usePrototype = level.usePrototype();
        expandPrototype(usePrototype);
      }
      useHypervisor = nearer(level.useHypervisor(), useHypervisor);
      baseImage = nearer(level.baseImage(), baseImage);
      vcpu = nearer(level.vcpu(), vcpu);
      memory = nearer(level.memory(), memory);
      power = nearer(level.power(), power);
      description = nearer(level.description(), description);
    }

    private void expandPrototype(Valued<String> use) {
      String name = use.value();
      MapMerge.Entry prototype = prototype(name);
      if (prototype == null) {
        diagnostics.error(
            use.origin(),
            "unknown prototype \"" + name + "\" in use_prototype",
            deleted(name, MapMerge.deletedAt(chain, Definition::prototypes, name))
                + "known prototypes: "
                + known(MapMerge.names(chain, Definition::prototypes)));
        return;
      }
      Valued<Object> field = prototype.field("base_image");
      if (field != null) {
        baseImage = Valued.of(field.value().toString(), field.origin().via(name));
      }
      field = prototype.field("vcpu");
      if (field != null) {
        vcpu = Valued.of(((Number) field.value()).intValue(), field.origin().via(name));
      }
      field = prototype.field("memory");
      if (field != null) {
        expandMemory(name, field);
      }
    }

    private void expandMemory(String prototypeName, Valued<Object> field) {
      try {
        memory = Valued.of(memoryOf(field.value()), field.origin().via(prototypeName));
      } catch (IllegalArgumentException e) {
        diagnostics.error(field.origin(), "prototype \"" + prototypeName + "\": " + e.getMessage());
      }
    }

    // the prototype as merged over the whole chain, so a deeper level may redefine it (SPEC §3.2)
    private MapMerge.Entry prototype(String name) {
      if (prototypes.containsKey(name)) {
        return prototypes.get(name);
      }
      MapMerge.Entry entry = MapMerge.entry(chain, Definition::prototypes, name);
      prototypes.put(name, entry);
      return entry;
    }

    private void putHypervisor(AllowList allow) {
      if (useHypervisor == null) {
        return;
      }
      String name = useHypervisor.value();
      put("use_hypervisor", useHypervisor);
      MapMerge.Entry entry = MapMerge.entry(chain, Definition::hypervisors, name);
      if (entry == null) {
        diagnostics.error(
            useHypervisor.origin(),
            "unknown hypervisor \"" + name + "\" in use_hypervisor",
            deleted(name, MapMerge.deletedAt(chain, Definition::hypervisors, name))
                + "known hypervisors: "
                + known(MapMerge.names(chain, Definition::hypervisors)));
        return;
      }
      if (allow != null && !allow.names().contains(name)) {
        diagnostics.error(
            useHypervisor.origin(),
            "hypervisor \"" + name + "\" is not in the allow list",
            "allowed: " + allow.describe());
      }
      putHypervisorFields(entry);
    }

    private void putHypervisorFields(MapMerge.Entry entry) {
      Valued<Object> type = entry.field("type");
      if (type == null) {
        diagnostics.error(
            useHypervisor.origin(),
            "hypervisor \"" + entry.name() + "\" in use_hypervisor has no type",
            "set type to " + HYPERVISOR_TYPES + " in its entry at " + describe(entry.writtenAt()));
      } else {
        put("hypervisor_type", type);
      }
      for (String field : CONNECTION_FIELDS) {
        put(field, entry.field(field));
      }
      List<String> others = new ArrayList<>(entry.fields().size());
      for (String field : entry.fields().keySet()) {
        if (!field.equals("type") && !CONNECTION_FIELDS.contains(field)) {
          others.add(field);
        }
      }
      Collections.sort(others);
      for (String field : others) {
        put(field, entry.field(field));
      }
    }

    private void putTags() {
      SortedMap<String, Valued<String>> tags = MapMerge.tags(chain);
      if (tags.isEmpty()) {
        return;
      }
      SortedMap<String, String> texts = new TreeMap<>();
      for (Map.Entry<String, Valued<String>> tag : tags.entrySet()) {
        texts.put(tag.getKey(), tag.getValue().value());
      }
      values.put("tags", Collections.unmodifiableSortedMap(texts));
      for (Map.Entry<String, Valued<String>> tag : tags.entrySet()) {
        origins.put("tags." + tag.getKey(), tag.getValue().origin());
      }
    }

    private void put(String parameter, Valued<?> valued) {
      if (valued != null) {
        put(parameter, valued.value(), valued.origin());
      }
    }

    private void put(String parameter, Object value, Origin origin) {
      values.put(parameter, value);
      origins.put(parameter, origin);
    }
  }

  /**
   * The effective allow list (SPEC §3.4).
   *
   * @param names the intersection of every list written in the chain, sorted
   * @param writtenAt where each of those lists was written, root first
   */
  private record AllowList(List<String> names, List<Origin> writtenAt) {
    /** {@return the allow list of {@code chain}, or null when no level restricts} */
    static AllowList of(List<Definition> chain) {
      TreeSet<String> names = null;
      List<Origin> writtenAt = null;
      for (Definition level : chain) {
        Valued<List<String>> list = level.filterHypervisorsAllow();
        if (!isSet(list)) {
          continue;
        }
        if (names == null) {
          names = new TreeSet<>(list.value());
          writtenAt = new ArrayList<>(2);
        } else {
          names.retainAll(list.value());
        }
        writtenAt.add(list.origin());
      }
      return names == null ? null : new AllowList(List.copyOf(names), writtenAt);
    }

    Origin deepest() {
      return writtenAt.get(writtenAt.size() - 1);
    }

    String describe() {
      String allowed = names.isEmpty() ? "none" : String.join(", ", names);
      return allowed + " (filter_hypervisors_allow at " + Cascade.describe(writtenAt) + ")";
    }
  }

  private static boolean isSet(Valued<?> valued) {
    return valued != null && !valued.isDelete();
  }

  private static <T> Valued<T> nearer(Valued<T> written, Valued<T> inherited) {
    return isSet(written) ? written : inherited;
  }

  private static MemorySize memoryOf(Object written) {
    if (written instanceof MemorySize size) {
      return size;
    }
    if (written instanceof Number mebibytes) {
      return MemorySize.ofMebibytes(mebibytes.longValue());
    }
    return MemorySize.parse(written.toString());
  }

  // "medium (_folder.yaml:8), small (_folder.yaml:4, lab/_folder.yaml:4)", or "none"
  /** {@return "X is removed by FILE:LINE:COL (null); " when a level deleted it, else ""} */
  private static String deleted(String name, Origin deletedAt) {
    return deletedAt == null
        ? ""
        : "\"" + name + "\" is removed by " + deletedAt.describe() + " (null); ";
  }

  private static String known(SortedMap<String, List<Origin>> names) {
    if (names.isEmpty()) {
      return "none";
    }
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, List<Origin>> name : names.entrySet()) {
      if (out.length() > 0) {
        out.append(", ");
      }
      out.append(name.getKey()).append(" (").append(describe(name.getValue())).append(')');
    }
    return out.toString();
  }

  private static String describe(List<Origin> origins) {
    StringBuilder out = new StringBuilder();
    for (Origin origin : origins) {
      if (out.length() > 0) {
        out.append(", ");
      }
      out.append(origin.describe());
    }
    return out.toString();
  }
}
