package io.vmtree.server;

import io.vmtree.definition.ComputedDefinition;
import io.vmtree.report.ExplainRenderer;
import io.vmtree.tree.TreePath;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The part of a {@code GET /v1/descriptors/{path}} answer that comes from the tree alone (the
 * computed definition and its origins), rendered once per computed definition and spliced into each
 * answer as text: it is most of the answer, and a tree's computed definitions change only when the
 * tree is read again (each reading computes new ones).
 */
final class RenderedDefinitions {
  /** Bounded: past this many paths, the ones read since are rendered again. */
  private static final int MAX_PATHS = 4096;

  private record Rendered(ComputedDefinition computed, Map<String, Object> fields) {}

  private final Map<TreePath, Rendered> byPath = new ConcurrentHashMap<>();

  /** {@return {@link ExplainRenderer#definition} of {@code computed}, its values rendered} */
  Map<String, Object> of(TreePath path, ComputedDefinition computed) {
    Rendered last = byPath.get(path);
    if (last != null && last.computed() == computed) {
      return last.fields();
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    ExplainRenderer.definition(computed).forEach((k, v) -> fields.put(k, JsonAnswer.field(v)));
    if (byPath.size() >= MAX_PATHS) {
      byPath.clear();
    }
    Map<String, Object> rendered = java.util.Collections.unmodifiableMap(fields);
    byPath.put(path, new Rendered(computed, rendered));
    return rendered;
  }
}
