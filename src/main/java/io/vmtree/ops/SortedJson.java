package io.vmtree.ops;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.SortedMap;
import tools.jackson.core.JsonGenerator;

/**
 * Free-form values (maps, lists, strings, numbers, booleans, nulls) written straight to a
 * generator, map keys sorted: the bytes Jackson's databind writes with {@code
 * ORDER_MAP_ENTRIES_BY_KEYS}, without going through it.
 *
 * <p>Why: an apply writes a state-log line per descriptor save and a journal line per operation
 * event, three to four JSON documents per VM, and in a command that lives for seconds most of that
 * code runs interpreted. Binding records and maps through databind was a fifth of an apply's step
 * CPU; these hand-written records (see the codecs that use it) take a fraction of it, and tests
 * hold them to databind's bytes.
 */
public final class SortedJson {
  private SortedJson() {}

  /**
   * Writes {@code value}; a type that is none of the above goes to the generator's own object
   * writer.
   */
  public static void write(JsonGenerator g, Object value) {
    if (value == null) {
      g.writeNull();
    } else if (value instanceof String s) {
      g.writeString(s);
    } else if (value instanceof Map<?, ?> map) {
      writeMap(g, map);
    } else if (value instanceof Collection<?> list) {
      g.writeStartArray();
      for (Object item : list) {
        write(g, item);
      }
      g.writeEndArray();
    } else if (value instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (value instanceof Integer i) {
      g.writeNumber(i.intValue());
    } else if (value instanceof Long l) {
      g.writeNumber(l.longValue());
    } else if (value instanceof Double d) {
      g.writeNumber(d.doubleValue());
    } else if (value instanceof BigDecimal d) {
      g.writeNumber(d);
    } else if (value instanceof BigInteger i) {
      g.writeNumber(i);
    } else {
      g.writePOJO(value);
    }
  }

  /** Writes {@code map} as an object, its entries in the natural order of their keys, or null. */
  public static void writeMap(JsonGenerator g, Map<?, ?> map) {
    if (map == null) {
      g.writeNull();
      return;
    }
    g.writeStartObject();
    if (map.size() < 2 || (map instanceof SortedMap<?, ?> sorted && sorted.comparator() == null)) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        writeEntry(g, entry);
      }
    } else {
      // the entries sorted in an array: a TreeMap made of each map written was a fortieth of
      // the CPU of an apply
      Map.Entry<?, ?>[] entries = map.entrySet().toArray(new Map.Entry<?, ?>[0]);
      Arrays.sort(entries, SortedJson::byKey);
      for (Map.Entry<?, ?> entry : entries) {
        writeEntry(g, entry);
      }
    }
    g.writeEndObject();
  }

  private static void writeEntry(JsonGenerator g, Map.Entry<?, ?> entry) {
    g.writeName(String.valueOf(entry.getKey()));
    write(g, entry.getValue());
  }

  /** The natural order of the keys, as a {@link java.util.TreeMap} of them has it. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int byKey(Map.Entry<?, ?> a, Map.Entry<?, ?> b) {
    return ((Comparable) a.getKey()).compareTo(b.getKey());
  }

  /** Writes {@code list} of strings as an array, or null. */
  public static void writeStrings(JsonGenerator g, Collection<String> list) {
    if (list == null) {
      g.writeNull();
      return;
    }
    g.writeStartArray();
    for (String item : list) {
      g.writeString(item);
    }
    g.writeEndArray();
  }

  /** Writes the name {@code name}, then {@code text} or null. */
  public static void writeString(JsonGenerator g, String name, String text) {
    g.writeName(name);
    if (text == null) {
      g.writeNull();
    } else {
      g.writeString(text);
    }
  }
}
