package io.vmtree.engine;

import io.vmtree.state.DescriptorState;
import io.vmtree.tree.TreePath;
import java.util.List;

/**
 * What the state holds at one path, for {@code state list} and {@code state show}: a subtree of
 * recorded folders and descriptors, or one descriptor.
 */
public sealed interface StateView {
  /** {@return the path asked for} */
  TreePath path();

  /**
   * A folder and everything the state records below it.
   *
   * @param recorded true when vmtree created the folder (it is in {@code folders.json}); the root
   *     and folders that only hold descriptors are not
   * @param folders the recorded folders below it, sorted
   * @param descriptors the descriptors below it, sorted by full name
   */
  record Folder(
      TreePath path, boolean recorded, List<TreePath> folders, List<DescriptorState> descriptors)
      implements StateView {
    public Folder {
      folders = List.copyOf(folders);
      descriptors = List.copyOf(descriptors);
    }
  }

  /** One descriptor, as persisted. */
  record Descriptor(DescriptorState descriptor) implements StateView {
    @Override
    public TreePath path() {
      return descriptor.fullName();
    }
  }
}
