package io.vmtree.load;

import io.vmtree.config.DescriptorConfig;
import io.vmtree.definition.Valued;
import io.vmtree.diag.Diagnostics;
import io.vmtree.diag.Origin;
import io.vmtree.tree.Lifecycle;
import io.vmtree.tree.Target;
import io.vmtree.tree.TreePath;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Reads a schema-checked descriptor body (a file, or an entry of a folder's {@code vms}). */
final class DescriptorReader {
  private final YamlDocument doc;
  private final Diagnostics diagnostics;

  DescriptorReader(YamlDocument doc, Diagnostics diagnostics) {
    this.doc = doc;
    this.diagnostics = diagnostics;
  }

  /**
   * {@return the descriptor whose body is at {@code pointer} ({@code ""} for a whole file)}
   *
   * @param origin where the descriptor starts, for errors about what it lacks
   */
  DescriptorConfig read(TreePath path, String pointer, Origin origin) {
    JsonNode body = doc.root().at(pointer);
    Target target =
        "provisioned".equals(body.path("target").asString(""))
            ? Target.PROVISIONED
            : Target.DEPLOYED;
    return new DescriptorConfig(
        path,
        new DefinitionReader(doc, diagnostics).read(pointer + "/definition"),
        target,
        body.has("target") ? doc.valueOrigin(pointer + "/target") : origin,
        dependsOn(pointer + "/depends_on"),
        lifecycle(body.path("lifecycle")),
        origin);
  }

  private List<Valued<TreePath>> dependsOn(String pointer) {
    JsonNode list = doc.root().at(pointer);
    List<Valued<TreePath>> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String itemPointer = YamlDocument.child(pointer, i);
      Origin at = doc.valueOrigin(itemPointer);
      String text = list.get(i).asString();
      if (!text.startsWith("/")) {
        diagnostics.error(at, "depends_on: \"" + text + "\" is not an absolute path (/folder/vm)");
        continue;
      }
      try {
        out.add(Valued.of(TreePath.of(text), at));
      } catch (IllegalArgumentException e) {
        diagnostics.error(at, "depends_on: " + e.getMessage());
      }
    }
    return out;
  }

  private static Lifecycle lifecycle(JsonNode node) {
    List<String> ignored = new ArrayList<>();
    node.path("ignore_changes").forEach(item -> ignored.add(item.asString()));
    return new Lifecycle(
        node.path("prevent_destroy").asBoolean(false),
        node.path("keep_disks").asBoolean(false),
        ignored,
        node.path("allow_reboot").asBoolean(false));
  }
}
