package io.vmtree.model;

import io.vmtree.config.DescriptorConfig;
import io.vmtree.config.DesiredTree;
import io.vmtree.config.FolderConfig;
import io.vmtree.definition.Definition;
import io.vmtree.definition.Valued;
import io.vmtree.tree.TreePath;

/**
 * The tree of folders and descriptors as a Java object model (SPEC §7). Not thread-safe: one
 * command works on one tree.
 */
public final class DescriptorTree {
  private final Folder root = new Folder(this, null, "", Definition.EMPTY);
  private int descriptorCount;

  /** {@return a tree holding only the root folder} */
  public static DescriptorTree empty() {
    return new DescriptorTree();
  }

  /** {@return the desired tree as a model, every descriptor {@code provisioned}} */
  public static DescriptorTree of(DesiredTree desired) {
    return of(desired, java.util.Map.of());
  }

  /**
   * {@return the desired tree as a model, each descriptor with what the state knows of it}
   *
   * @param known status and VM id by path, as recorded in the state
   */
  public static DescriptorTree of(
      DesiredTree desired, java.util.Map<TreePath, Descriptor.Known> known) {
    DescriptorTree tree = new DescriptorTree();
    tree.root.redefine(desired.folders().get(TreePath.ROOT).definition());
    for (FolderConfig folder : desired.folders().values()) {
      if (!folder.path().isRoot()) {
        tree.folderAt(folder.path().parent())
            .createSubFolder(folder.path().name(), folder.definition());
      }
    }
    for (DescriptorConfig config : desired.descriptors().values()) {
      Descriptor descriptor =
          tree.folderAt(config.path().parent()).provision(config.name(), config.definition());
      descriptor.configure(
          config.lifecycle(), config.dependsOn().stream().map(Valued::value).toList());
      Descriptor.Known recorded = known.get(config.path());
      if (recorded != null) {
        descriptor.restore(recorded);
      }
    }
    return tree;
  }

  /** {@return the root folder {@code /}} */
  public Folder root() {
    return root;
  }

  /** {@return the number of descriptors in the tree} */
  public int descriptorCount() {
    return descriptorCount;
  }

  /**
   * {@return the folder or descriptor at {@code fullName}, such as {@code /lab/db/pg1}}
   *
   * @throws ModelException naming the path when nothing is there or the path is malformed
   */
  public TreeNode get(String fullName) {
    TreePath path;
    try {
      path = TreePath.of(fullName);
    } catch (IllegalArgumentException e) {
      throw new ModelException(e.getMessage());
    }
    TreeNode node = root;
    for (String segment : path.segments()) {
      if (!(node instanceof Folder folder)) {
        throw new ModelException("no folder or descriptor " + path + " (" + node + " is a VM)");
      }
      try {
        node = folder.get(segment);
      } catch (ModelException e) {
        throw new ModelException("no folder or descriptor " + path);
      }
    }
    return node;
  }

  private Folder folderAt(TreePath path) {
    return (Folder) get(path.toString());
  }

  void indexed(Descriptor descriptor) {
    descriptorCount++;
  }
}
