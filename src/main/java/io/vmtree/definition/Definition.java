package io.vmtree.definition;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One level's {@code definition:} block as written (a folder's or a descriptor's local_definition,
 * SPEC §2). Absent parameters are null (or empty maps); every present value keeps its origin.
 * Values are already type-checked: the schema and the reader saw to that.
 *
 * @param hypervisors entries by name; an entry whose value is null deletes the inherited entry;
 *     inside an entry, each field is valued and a null field deletes the inherited field
 * @param prototypes likewise, fields {@code base_image}, {@code vcpu}, {@code memory}
 * @param tags by key; a null value deletes the inherited tag
 * @param filterHypervisorsAllow the allow list written at this level, or null
 */
public record Definition(
    Map<String, Valued<Map<String, Valued<Object>>>> hypervisors,
    Valued<String> useHypervisor,
    Valued<List<String>> filterHypervisorsAllow,
    Map<String, Valued<Map<String, Valued<Object>>>> prototypes,
    Valued<String> usePrototype,
    Valued<String> baseImage,
    Valued<Integer> vcpu,
    Valued<MemorySize> memory,
    Valued<Power> power,
    Map<String, Valued<String>> tags,
    Valued<String> description) {

  /** A level that sets nothing. */
  public static final Definition EMPTY =
      new Definition(Map.of(), null, null, Map.of(), null, null, null, null, null, Map.of(), null);

  public Definition {
    hypervisors = ordered(hypervisors);
    prototypes = ordered(prototypes);
    tags = ordered(tags);
  }

  /** {@return true when this level sets nothing at all} */
  public boolean isEmpty() {
    return equals(EMPTY);
  }

  /**
   * {@return this level as plain, JSON-friendly data with the SPEC's parameter names, as kept in
   * state ({@code local_definition}): explicit nulls kept, literal secrets masked}
   */
  public Map<String, Object> plain() {
    Map<String, Object> out = new LinkedHashMap<>();
    if (!hypervisors.isEmpty()) {
      out.put("hypervisors", entries(hypervisors, true));
    }
    put(out, "use_hypervisor", useHypervisor);
    put(out, "filter_hypervisors_allow", filterHypervisorsAllow);
    if (!prototypes.isEmpty()) {
      out.put("prototypes", entries(prototypes, false));
    }
    put(out, "use_prototype", usePrototype);
    put(out, "base_image", baseImage);
    put(out, "vcpu", vcpu);
    if (memory != null) {
      out.put("memory", memory.value().canonical());
    }
    if (power != null) {
      out.put("power", power.value().label());
    }
    if (!tags.isEmpty()) {
      Map<String, Object> plainTags = new LinkedHashMap<>();
      tags.forEach((k, v) -> plainTags.put(k, v.value()));
      out.put("tags", plainTags);
    }
    put(out, "description", description);
    return out;
  }

  private static void put(Map<String, Object> out, String key, Valued<?> value) {
    if (value != null) {
      out.put(key, value.value());
    }
  }

  private static Map<String, Object> entries(
      Map<String, Valued<Map<String, Valued<Object>>>> map, boolean hypervisor) {
    Map<String, Object> out = new LinkedHashMap<>();
    map.forEach(
        (name, entry) -> {
          if (entry.value() == null) {
            out.put(name, null);
            return;
          }
          Map<String, Object> fields = new LinkedHashMap<>();
          entry
              .value()
              .forEach(
                  (field, value) -> {
                    Object plain =
                        value.value() instanceof MemorySize m ? m.canonical() : value.value();
                    boolean literalSecret =
                        hypervisor
                            && SecretRef.SECRET_FIELDS.contains(field)
                            && plain instanceof String text
                            && SecretRef.parse(text).isEmpty();
                    fields.put(field, literalSecret ? SecretRef.MASK : plain);
                  });
          out.put(name, fields);
        });
    return out;
  }

  // insertion order is kept for output; null values are meaningful (deletes), so no Map.copyOf
  private static <V> Map<String, V> ordered(Map<String, V> map) {
    Objects.requireNonNull(map);
    return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }
}
