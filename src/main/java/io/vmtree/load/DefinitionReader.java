package io.vmtree.load;

import io.vmtree.definition.Definition;
import io.vmtree.definition.MemorySize;
import io.vmtree.definition.Power;
import io.vmtree.definition.SecretRef;
import io.vmtree.definition.Valued;
import io.vmtree.diag.Diagnostics;
import io.vmtree.diag.Origin;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Turns the {@code definition:} object of a schema-checked document into a {@link Definition},
 * recording the origin of every value. Checks what the schema cannot: memory sizes, secret
 * references, literal passwords (a warning).
 */
final class DefinitionReader {
  private final YamlDocument doc;
  private final Diagnostics diagnostics;

  DefinitionReader(YamlDocument doc, Diagnostics diagnostics) {
    this.doc = doc;
    this.diagnostics = diagnostics;
  }

  /** {@return the definition at {@code pointer}; {@link Definition#EMPTY} when absent or null} */
  Definition read(String pointer) {
    JsonNode node = doc.root().at(pointer);
    if (!node.isObject()) {
      return Definition.EMPTY;
    }
    Level level = new Level(node, pointer);
    return new Definition(
        entries(level, "hypervisors", true),
        string(level, "use_hypervisor"),
        stringList(level, "filter_hypervisors_allow"),
        entries(level, "prototypes", false),
        string(level, "use_prototype"),
        string(level, "base_image"),
        integer(level, "vcpu"),
        memory(level, "memory"),
        power(level, "power"),
        tags(level),
        string(level, "description"));
  }

  /**
   * The definition object being read and its pointer. A definition sets few of its parameters, so
   * each is looked up by key first and gets its pointer (for its origin) only when present.
   */
  private record Level(JsonNode node, String pointer) {
    /** {@return the value of {@code key}; null when absent or null} */
    JsonNode get(String key) {
      JsonNode value = node.get(key);
      return value == null || value.isNull() ? null : value;
    }

    String pointer(String key) {
      return YamlDocument.child(pointer, key);
    }
  }

  private Map<String, Valued<Map<String, Valued<Object>>>> entries(
      Level level, String key, boolean hypervisor) {
    JsonNode map = level.get(key);
    if (map == null) {
      return Map.of();
    }
    String pointer = level.pointer(key);
    Map<String, Valued<Map<String, Valued<Object>>>> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : map.properties()) {
      String entryPointer = YamlDocument.child(pointer, entry.getKey());
      Origin at = doc.origin(entryPointer);
      if (entry.getValue().isNull()) {
        out.put(entry.getKey(), Valued.of(null, at));
        continue;
      }
      Map<String, Valued<Object>> fields = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> field : entry.getValue().properties()) {
        String fieldPointer = YamlDocument.child(entryPointer, field.getKey());
        Object value = fieldValue(field.getKey(), field.getValue(), fieldPointer);
        if (hypervisor && value instanceof String text) {
          checkSecret(entry.getKey(), field.getKey(), text, doc.origin(fieldPointer));
        }
        fields.put(field.getKey(), Valued.of(value, doc.origin(fieldPointer)));
      }
      out.put(entry.getKey(), Valued.of(fields, at));
    }
    return out;
  }

  private Object fieldValue(String name, JsonNode value, String pointer) {
    if (value.isNull()) {
      return null;
    }
    return switch (name) {
      case "memory" -> memoryValue(value, pointer);
      case "vcpu" -> value.asInt();
      default -> scalar(value);
    };
  }

  private void checkSecret(String hypervisor, String field, String text, Origin at) {
    if (SecretRef.isMalformed(text)) {
      diagnostics.error(
          at,
          "invalid secret reference in hypervisor \"" + hypervisor + "\" field " + field,
          "use ${env:NAME} or ${file:PATH}");
    } else if (SecretRef.SECRET_FIELDS.contains(field) && SecretRef.parse(text).isEmpty()) {
      diagnostics.warning(
          at,
          "hypervisor \""
              + hypervisor
              + "\" has a literal "
              + field
              + "; prefer ${env:NAME} or ${file:PATH} (it is still never stored or shown)");
    }
  }

  private static Object scalar(JsonNode value) {
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    if (value.isIntegralNumber()) {
      return value.canConvertToInt() ? (Object) value.intValue() : (Object) value.longValue();
    }
    if (value.isNumber()) {
      return value.doubleValue();
    }
    return value.asString();
  }

  private Valued<String> string(Level level, String key) {
    JsonNode node = level.get(key);
    if (node == null) {
      return null;
    }
    return Valued.of(node.asString(), doc.origin(level.pointer(key)));
  }

  private Valued<Integer> integer(Level level, String key) {
    JsonNode node = level.get(key);
    if (node == null) {
      return null;
    }
    return Valued.of(node.asInt(), doc.origin(level.pointer(key)));
  }

  private Valued<List<String>> stringList(Level level, String key) {
    JsonNode node = level.get(key);
    if (node == null || !node.isArray()) {
      return null;
    }
    List<String> items = new ArrayList<>();
    node.forEach(item -> items.add(item.asString()));
    return Valued.of(List.copyOf(items), doc.origin(level.pointer(key)));
  }

  private Valued<MemorySize> memory(Level level, String key) {
    JsonNode node = level.get(key);
    if (node == null) {
      return null;
    }
    String pointer = level.pointer(key);
    MemorySize size = memoryValue(node, pointer);
    return size == null ? null : Valued.of(size, doc.origin(pointer));
  }

  private MemorySize memoryValue(JsonNode node, String pointer) {
    try {
      return node.isIntegralNumber()
          ? MemorySize.ofMebibytes(node.longValue())
          : MemorySize.parse(node.asString());
    } catch (IllegalArgumentException e) {
      diagnostics.error(doc.origin(pointer), "memory: " + e.getMessage());
      return null;
    }
  }

  private Valued<Power> power(Level level, String key) {
    JsonNode node = level.get(key);
    if (node == null) {
      return null;
    }
    boolean on = node.isBoolean() ? node.booleanValue() : "on".equals(node.asString());
    return Valued.of(on ? Power.ON : Power.OFF, doc.origin(level.pointer(key)));
  }

  private Map<String, Valued<String>> tags(Level level) {
    JsonNode map = level.get("tags");
    if (map == null) {
      return Map.of();
    }
    String pointer = level.pointer("tags");
    Map<String, Valued<String>> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> tag : map.properties()) {
      String tagPointer = YamlDocument.child(pointer, tag.getKey());
      String value = tag.getValue().isNull() ? null : tag.getValue().asString();
      out.put(tag.getKey(), Valued.of(value, doc.origin(tagPointer)));
    }
    return out;
  }
}
