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

  // insertion order is kept for output; null values are meaningful (deletes), so no Map.copyOf
  private static <V> Map<String, V> ordered(Map<String, V> map) {
    Objects.requireNonNull(map);
    return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }
}
