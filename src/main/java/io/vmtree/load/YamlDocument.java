package io.vmtree.load;

import io.vmtree.diag.Origin;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * One parsed YAML file: its content as a Jackson tree, and where every key and value stands in the
 * file, indexed by JSON Pointer ({@code /definition/vcpu}).
 *
 * @param file the file's path relative to the tree root
 * @param root the content; an empty file reads as an empty object
 * @param keys the position of each mapping key, by the pointer of its value
 * @param values the position of each value, by its pointer
 */
public record YamlDocument(
    String file, JsonNode root, Map<String, Origin> keys, Map<String, Origin> values) {

  public YamlDocument {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(root, "root");
    keys = Map.copyOf(keys);
    values = Map.copyOf(values);
  }

  /**
   * {@return where the node at {@code pointer} is written: at its key when it has one (errors point
   * at the key, SPEC §11), else at the value, else at the start of the file}
   */
  public Origin origin(String pointer) {
    Origin at = keys.get(pointer);
    if (at == null) {
      at = values.get(pointer);
    }
    return at != null ? at : Origin.ofFile(file);
  }

  /** {@return the position of the value at {@code pointer}, falling back as {@link #origin}} */
  public Origin valueOrigin(String pointer) {
    Origin at = values.get(pointer);
    return at != null ? at : origin(pointer);
  }

  /** {@return the pointer of {@code key} inside the object at {@code parent}} */
  public static String child(String parent, String key) {
    return parent + "/" + key.replace("~", "~0").replace("/", "~1");
  }

  /** {@return the pointer of item {@code index} inside the array at {@code parent}} */
  public static String child(String parent, int index) {
    return parent + "/" + index;
  }
}
