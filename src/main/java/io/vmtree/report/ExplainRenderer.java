package io.vmtree.report;

import io.vmtree.definition.ComputedDefinition;
import io.vmtree.diag.Origin;
import io.vmtree.engine.Explanation;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/** Renders {@code explain}: as aligned text with origins, or as the JSON of SPEC §4. */
public final class ExplainRenderer {
  private ExplainRenderer() {}

  /** {@return the SPEC §4 {@code explain --json} object} */
  public static Map<String, Object> toJson(Explanation explanation) {
    Map<String, Object> json = summary(explanation);
    json.putAll(definition(explanation.computed()));
    return json;
  }

  /**
   * {@return the fields of {@link #toJson} before the definition: {@code full_name}, {@code
   * status}, {@code target}} (a mutable map, in that order)
   */
  public static Map<String, Object> summary(Explanation explanation) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("full_name", explanation.descriptor().path().toString());
    json.put("status", explanation.status().label());
    json.put("target", explanation.descriptor().target().label());
    return json;
  }

  /**
   * {@return the fields of {@link #toJson} that come from the tree alone: {@code
   * computed_definition}, secrets redacted, and {@code origins}} (the service renders them once per
   * version of the tree)
   */
  public static Map<String, Object> definition(ComputedDefinition definition) {
    ComputedDefinition computed = definition.redacted();
    Map<String, Object> origins = new LinkedHashMap<>();
    computed.origins().forEach((field, origin) -> origins.put(field, origin.describe()));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("computed_definition", computed.values());
    json.put("origins", origins);
    return json;
  }

  /** Writes the explanation as text: one {@code name = value # origin} line a parameter. */
  public static void text(Explanation explanation, PrintWriter out, Style style) {
    ComputedDefinition computed = explanation.computed().redacted();
    out.println(
        style.bold(explanation.descriptor().path().toString())
            + "  "
            + explanation.status().label()
            + ", target "
            + explanation.descriptor().target().label()
            + "  "
            + style.dim("# " + explanation.descriptor().origin().describe()));
    int width = width(computed);
    for (Map.Entry<String, Object> entry : computed.values().entrySet()) {
      String key = entry.getKey();
      if (!key.equals("tags")) {
        line(out, style, key, format(entry.getValue()), computed.origins().get(key), width);
        continue;
      }
      out.println("  tags");
      for (Map.Entry<String, String> tag : computed.tags().entrySet()) {
        Origin origin = computed.origins().get("tags." + tag.getKey());
        line(out, style, "  " + tag.getKey(), quote(tag.getValue()), origin, width);
      }
    }
    out.flush();
  }

  private static int width(ComputedDefinition computed) {
    int width = 0;
    for (String key : computed.values().keySet()) {
      width = Math.max(width, key.length());
    }
    for (String tag : computed.tags().keySet()) {
      width = Math.max(width, tag.length() + 2);
    }
    return width;
  }

  private static void line(
      PrintWriter out, Style style, String key, String value, Origin origin, int width) {
    String padded = String.format("  %-" + width + "s = %s", key, value);
    out.println(origin == null ? padded : padded + "  " + style.dim("# " + origin.describe()));
  }

  private static String format(Object value) {
    if (value instanceof String text) {
      return quote(text);
    }
    if (value instanceof java.util.List<?> list) {
      return list.stream().map(item -> quote(item.toString())).toList().toString();
    }
    if (value instanceof io.vmtree.definition.MemorySize size) {
      return quote(size.canonical());
    }
    return String.valueOf(value);
  }

  private static String quote(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
