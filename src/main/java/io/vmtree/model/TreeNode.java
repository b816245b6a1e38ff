package io.vmtree.model;

import io.vmtree.definition.Definition;
import io.vmtree.tree.TreePath;

/** A folder or a descriptor of a {@link DescriptorTree}. */
public sealed interface TreeNode permits Folder, Descriptor {
  /** {@return the full name, such as {@code /lab/db/pg1}} */
  TreePath fullName();

  /** {@return the last segment of the full name; empty for the root} */
  default String name() {
    return fullName().name();
  }

  /** {@return the enclosing folder; null for the root} */
  Folder parent();

  /** {@return the parameters written at this level (its local_definition)} */
  Definition localDefinition();
}
