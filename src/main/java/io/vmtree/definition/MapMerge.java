package io.vmtree.definition;

import io.vmtree.diag.Origin;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The merge of the map parameters ({@code hypervisors}, {@code prototypes}, {@code tags}) down a
 * chain of definitions (SPEC §3.1): by key, then field by field, the deeper level winning; an
 * explicit null deletes what was inherited.
 *
 * <p>The cascade only needs the one hypervisor and the few prototypes a descriptor uses, so entries
 * are merged one name at a time instead of merging whole maps for every descriptor.
 */
final class MapMerge {
  /** Reads the entries of one map parameter from a level ({@code Definition::prototypes}). */
  interface EntryMap
      extends Function<Definition, Map<String, Valued<Map<String, Valued<Object>>>>> {}

  /**
   * One entry as merged down the chain.
   *
   * @param fields the surviving fields, in the order first written
   * @param writtenAt where each level that contributed wrote the entry, root first (levels above a
   *     deletion do not count)
   */
  record Entry(String name, Map<String, Valued<Object>> fields, List<Origin> writtenAt) {
    /** {@return the field {@code field}, or null when no level sets it} */
    Valued<Object> field(String field) {
      return fields.get(field);
    }
  }

  private MapMerge() {}

  /** {@return the entry {@code name} merged down {@code chain}, or null when it does not exist} */
  static Entry entry(List<Definition> chain, EntryMap map, String name) {
    Map<String, Valued<Object>> fields = null;
    List<Origin> writtenAt = null;
    for (Definition level : chain) {
      Valued<Map<String, Valued<Object>>> written = map.apply(level).get(name);
      if (written == null) {
        continue;
      }
      if (written.isDelete()) {
        fields = null;
        writtenAt = null;
        continue;
      }
      if (fields == null) {
        fields = new LinkedHashMap<>();
        writtenAt = new ArrayList<>(2);
      }
      writtenAt.add(written.origin());
      mergeFields(fields, written.value());
    }
    return fields == null ? null : new Entry(name, fields, writtenAt);
  }

  /**
   * {@return where the entry {@code name} was last deleted ({@code name: null}) when nothing below
   * wrote it again, or null}: why a name written above is unknown here
   */
  static Origin deletedAt(List<Definition> chain, EntryMap map, String name) {
    Origin deleted = null;
    for (Definition level : chain) {
      Valued<Map<String, Valued<Object>>> written = map.apply(level).get(name);
      if (written != null) {
        deleted = written.isDelete() ? written.origin() : null;
      }
    }
    return deleted;
  }

  private static void mergeFields(
      Map<String, Valued<Object>> fields, Map<String, Valued<Object>> written) {
    for (Map.Entry<String, Valued<Object>> field : written.entrySet()) {
      Valued<Object> value = field.getValue();
      if (value == null || value.isDelete()) {
        fields.remove(field.getKey());
      } else {
        fields.put(field.getKey(), value);
      }
    }
  }

  /**
   * {@return the names of the entries that exist at the end of {@code chain}, sorted, each with
   * where it was written (as {@link Entry#writtenAt})}
   */
  static SortedMap<String, List<Origin>> names(List<Definition> chain, EntryMap map) {
    SortedMap<String, List<Origin>> names = new TreeMap<>();
    for (Definition level : chain) {
      for (Map.Entry<String, Valued<Map<String, Valued<Object>>>> e : map.apply(level).entrySet()) {
        Valued<Map<String, Valued<Object>>> written = e.getValue();
        if (written == null || written.isDelete()) {
          names.remove(e.getKey());
        } else {
          names.computeIfAbsent(e.getKey(), k -> new ArrayList<>(2)).add(written.origin());
        }
      }
    }
    return names;
  }

  /** {@return the tags merged down {@code chain}, sorted by key; empty when there are none} */
  static SortedMap<String, Valued<String>> tags(List<Definition> chain) {
    SortedMap<String, Valued<String>> tags = null;
    for (Definition level : chain) {
      for (Map.Entry<String, Valued<String>> tag : level.tags().entrySet()) {
        Valued<String> value = tag.getValue();
        if (value == null || value.isDelete()) {
          if (tags != null) {
            tags.remove(tag.getKey());
          }
        } else {
          if (tags == null) {
            tags = new TreeMap<>();
          }
          tags.put(tag.getKey(), value);
        }
      }
    }
    return tags == null ? Collections.emptySortedMap() : tags;
  }
}
