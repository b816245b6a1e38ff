package io.vmtree.state;

import io.vmtree.tree.TreePath;
import java.util.Collections;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The whole state as read at one moment.
 *
 * @param lineage a random id given when the state was first written; a plan made against another
 *     lineage is refused
 * @param serial raised by every change (SPEC §10)
 * @param folders every folder vmtree created, the root excluded
 */
public record StateSnapshot(
    String lineage,
    long serial,
    NavigableMap<TreePath, DescriptorState> descriptors,
    NavigableSet<TreePath> folders) {
  public StateSnapshot {
    descriptors = Collections.unmodifiableNavigableMap(new TreeMap<>(descriptors));
    folders = Collections.unmodifiableNavigableSet(new TreeSet<>(folders));
  }
}
