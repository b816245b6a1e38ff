package io.vmtree.connector.vsphere;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * A VM's annotation (its "Notes" in the vSphere Client) as vmtree writes it: the descriptor's
 * {@code description}, then a block that marks the VM as vmtree's (SPEC §9) and carries its tags:
 *
 * <pre>
 * Primary PostgreSQL of the lab
 *
 * [vmtree]
 * full_name=/lab/db/pg1
 * tag.env=lab
 * </pre>
 *
 * Tag keys and values are URL-encoded, so any text survives. An annotation without the block is a
 * VM vmtree does not manage: all of it is the description.
 *
 * @param description the free text, or null
 * @param marker the descriptor's full name, or null when unmanaged
 */
record Annotation(String description, String marker, Map<String, String> tags) {
  static final String BLOCK = "[vmtree]";
  private static final String MARKER = "full_name=";
  private static final String TAG = "tag.";

  Annotation {
    tags = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(tags));
    description = description == null || description.isEmpty() ? null : description;
  }

  /** {@return the annotation read from a VM's {@code config.annotation}} */
  static Annotation parse(String text) {
    if (text == null || text.isEmpty()) {
      return new Annotation(null, null, Map.of());
    }
    String normal = text.replace("\r\n", "\n");
    int block =
        normal.startsWith(BLOCK + "\n") || normal.equals(BLOCK)
            ? 0
            : normal.lastIndexOf("\n" + BLOCK + "\n") + 1;
    if (block == 0 && !normal.startsWith(BLOCK)) {
      return new Annotation(text, null, Map.of());
    }
    String marker = null;
    Map<String, String> tags = new TreeMap<>();
    for (String line : normal.substring(block + BLOCK.length()).split("\n")) {
      if (line.startsWith(MARKER)) {
        marker = line.substring(MARKER.length()).trim();
      } else if (line.startsWith(TAG) && line.indexOf('=') > TAG.length()) {
        int eq = line.indexOf('=');
        tags.put(decode(line.substring(TAG.length(), eq)), decode(line.substring(eq + 1)));
      }
    }
    if (marker == null || marker.isEmpty()) {
      return new Annotation(text, null, Map.of());
    }
    String description = normal.substring(0, block);
    description =
        description.endsWith("\n\n")
            ? description.substring(0, description.length() - 2)
            : description.endsWith("\n")
                ? description.substring(0, description.length() - 1)
                : description;
    return new Annotation(description, marker, tags);
  }

  /** {@return the text to store in {@code config.annotation}} */
  String text() {
    StringBuilder out = new StringBuilder();
    if (description != null) {
      out.append(description.replace("\r\n", "\n")).append("\n\n");
    }
    if (marker != null) {
      out.append(BLOCK).append('\n').append(MARKER).append(marker).append('\n');
      tags.forEach(
          (k, v) -> out.append(TAG).append(encode(k)).append('=').append(encode(v)).append('\n'));
    }
    return out.toString();
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }
}
