package io.vmtree.report;

import io.vmtree.definition.ComputedDefinition;
import io.vmtree.diag.Diagnostics;
import io.vmtree.model.Descriptor;
import io.vmtree.model.DescriptorTree;
import io.vmtree.model.Folder;
import io.vmtree.model.TreeNode;
import java.io.PrintWriter;
import java.util.List;

/**
 * Prints the tree as an indented outline: folders end with {@code /}, descriptors show their
 * status, hypervisor, CPUs and memory.
 */
public final class TreeRenderer {
  private TreeRenderer() {}

  /** Writes {@code tree}, the root first. */
  public static void render(DescriptorTree tree, PrintWriter out, Style style) {
    out.println(style.bold("/"));
    children(tree.root(), "", out, style);
    out.println(
        style.dim(
            tree.descriptorCount()
                + (tree.descriptorCount() == 1 ? " descriptor" : " descriptors")));
    out.flush();
  }

  private static void children(Folder folder, String indent, PrintWriter out, Style style) {
    List<TreeNode> nodes = folder.children();
    for (int i = 0; i < nodes.size(); i++) {
      boolean last = i == nodes.size() - 1;
      TreeNode node = nodes.get(i);
      String branch = indent + (last ? "└── " : "├── ");
      if (node instanceof Folder sub) {
        out.println(branch + style.bold(sub.name() + "/"));
        children(sub, indent + (last ? "    " : "│   "), out, style);
      } else {
        out.println(branch + describe((Descriptor) node, style));
      }
    }
  }

  private static String describe(Descriptor descriptor, Style style) {
    ComputedDefinition computed = descriptor.computedDefinition(new Diagnostics());
    StringBuilder line = new StringBuilder(descriptor.name());
    line.append("  ").append(descriptor.status().label());
    if (descriptor.status() != io.vmtree.tree.Status.PROVISIONED) {
      line.append(" [").append(descriptor.vmId()).append(']');
    }
    computed.string("use_hypervisor").ifPresent(h -> line.append("  on ").append(h));
    computed.vcpu().ifPresent(n -> line.append("  ").append(n).append(" vCPU"));
    computed.memory().ifPresent(m -> line.append("  ").append(m.canonical()));
    computed.string("base_image").ifPresent(image -> line.append("  ").append(image));
    return line.toString();
  }
}
