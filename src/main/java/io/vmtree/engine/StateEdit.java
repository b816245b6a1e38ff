package io.vmtree.engine;

import io.vmtree.ops.Operation;
import io.vmtree.state.DescriptorState;
import io.vmtree.tree.TreePath;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code state mv} or {@code state rm} changed, and the operation that journaled it.
 *
 * @param renamed old path to new path, descriptors and recorded folders, sorted by old path (mv)
 * @param removed the descriptors forgotten, as they were (rm)
 * @param removedFolders the recorded folders forgotten (rm)
 */
public record StateEdit(
    Operation operation,
    Map<TreePath, TreePath> renamed,
    List<DescriptorState> removed,
    List<TreePath> removedFolders) {
  public StateEdit {
    renamed = Collections.unmodifiableMap(new LinkedHashMap<>(renamed));
    removed = List.copyOf(removed);
    removedFolders = List.copyOf(removedFolders);
  }
}
