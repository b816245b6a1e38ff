package io.vmtree.state;

import io.vmtree.ops.IsoInstant;
import io.vmtree.tree.TreePath;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Typed access to one parsed JSON object of a state file; every error names the file and the field,
 * e.g. {@code state file S/meta.json is invalid: serial must be a whole number}.
 */
final class JsonFields {
  private final Path file;
  private final String prefix;
  private final Map<String, Object> object;

  JsonFields(Path file, Map<String, Object> object) {
    this(file, "", object);
  }

  private JsonFields(Path file, String prefix, Map<String, Object> object) {
    this.file = file;
    this.prefix = prefix;
    this.object = object;
  }

  String string(String key) {
    return require(key, optionalString(key));
  }

  String optionalString(String key) {
    return typed(key, String.class, "a string");
  }

  long number(String key) {
    Object value = require(key, object.get(key));
    if (value instanceof Integer || value instanceof Long) {
      return ((Number) value).longValue();
    }
    throw invalid(key, "must be a whole number");
  }

  boolean bool(String key) {
    return require(key, typed(key, Boolean.class, "true or false"));
  }

  Map<String, Object> map(String key) {
    return require(key, optionalMap(key));
  }

  /** {@return the object under {@code key}, null when absent or null; its values never null} */
  Map<String, Object> optionalMap(String key) {
    Map<String, Object> map = objectAt(key);
    if (map != null) {
      map.forEach(
          (name, value) -> {
            if (value == null) {
              throw invalid(key + "." + name, "is null");
            }
          });
    }
    return map;
  }

  JsonFields nested(String key) {
    return require(key, optionalNested(key));
  }

  JsonFields optionalNested(String key) {
    Map<String, Object> map = objectAt(key);
    return map == null ? null : new JsonFields(file, prefix + key + ".", map);
  }

  List<String> strings(String key) {
    Object value = require(key, object.get(key));
    if (!(value instanceof List<?> list)) {
      throw invalid(key, "must be a list of strings");
    }
    List<String> strings = new ArrayList<>(list.size());
    for (Object item : list) {
      if (!(item instanceof String s)) {
        throw invalid(key, "must be a list of strings");
      }
      strings.add(s);
    }
    return strings;
  }

  TreePath path(String key) {
    return path(key, string(key));
  }

  List<TreePath> paths(String key) {
    List<TreePath> paths = new ArrayList<>();
    for (String text : strings(key)) {
      paths.add(path(key, text));
    }
    return paths;
  }

  Instant optionalInstant(String key) {
    String text = optionalString(key);
    if (text == null) {
      return null;
    }
    try {
      return IsoInstant.parse(text);
    } catch (DateTimeException e) {
      throw invalid(key, "must be an ISO-8601 instant, not \"" + text + "\"");
    }
  }

  Instant instant(String key) {
    return require(key, optionalInstant(key));
  }

  /** {@return an error saying that field {@code key} {@code problem}} */
  StateException invalid(String key, String problem) {
    return new StateException(
        "state file " + file + " is invalid: " + prefix + key + " " + problem);
  }

  private TreePath path(String key, String text) {
    try {
      return TreePath.of(text);
    } catch (IllegalArgumentException e) {
      throw invalid(key, "holds a bad path: " + e.getMessage());
    }
  }

  private <T> T require(String key, T value) {
    if (value == null) {
      throw new StateException("state file " + file + " is invalid: missing " + prefix + key);
    }
    return value;
  }

  private <T> T typed(String key, Class<T> type, String what) {
    Object value = object.get(key);
    if (value != null && !type.isInstance(value)) {
      throw invalid(key, "must be " + what);
    }
    return type.cast(value);
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> objectAt(String key) {
    Object value = object.get(key);
    if (value != null && !(value instanceof Map)) {
      throw invalid(key, "must be an object");
    }
    return (Map<String, Object>) value;
  }
}
