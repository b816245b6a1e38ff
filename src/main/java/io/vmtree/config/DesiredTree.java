package io.vmtree.config;

import io.vmtree.definition.Definition;
import io.vmtree.tree.TreePath;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The tree as written on disk: every folder and descriptor by path, and the {@code moved} entries.
 * Immutable. The root folder is always present.
 */
public final class DesiredTree {
  private final Path root;
  private final NavigableMap<TreePath, FolderConfig> folders;
  private final NavigableMap<TreePath, DescriptorConfig> descriptors;
  private final List<MovedEntry> moved;

  /** Builds a tree; {@code folders} must contain the root and every descriptor's folder. */
  public DesiredTree(
      Path root,
      Map<TreePath, FolderConfig> folders,
      Map<TreePath, DescriptorConfig> descriptors,
      List<MovedEntry> moved) {
    this.root = Objects.requireNonNull(root, "root");
    this.folders = Collections.unmodifiableNavigableMap(new TreeMap<>(folders));
    this.descriptors = Collections.unmodifiableNavigableMap(new TreeMap<>(descriptors));
    this.moved = List.copyOf(moved);
    if (!this.folders.containsKey(TreePath.ROOT)) {
      throw new IllegalArgumentException("a tree has a root folder");
    }
  }

  /** {@return the directory the tree was read from} */
  public Path root() {
    return root;
  }

  /** {@return every folder, sorted by path, the root first} */
  public NavigableMap<TreePath, FolderConfig> folders() {
    return folders;
  }

  /** {@return every descriptor, sorted by path} */
  public NavigableMap<TreePath, DescriptorConfig> descriptors() {
    return descriptors;
  }

  /** {@return the moved entries of every folder, in tree order} */
  public List<MovedEntry> moved() {
    return moved;
  }

  /** {@return the folder at {@code path}} */
  public Optional<FolderConfig> folder(TreePath path) {
    return Optional.ofNullable(folders.get(path));
  }

  /** {@return the descriptor at {@code path}} */
  public Optional<DescriptorConfig> descriptor(TreePath path) {
    return Optional.ofNullable(descriptors.get(path));
  }

  /**
   * {@return the local definitions that cascade onto the descriptor at {@code path}: those of
   * {@code /}, each folder down to it, and the descriptor's own, root first (SPEC §3)}
   */
  public List<Definition> chain(TreePath path) {
    DescriptorConfig descriptor = descriptors.get(path);
    if (descriptor == null) {
      throw new IllegalArgumentException("no descriptor " + path);
    }
    List<Definition> chain = new ArrayList<>(path.depth() + 1);
    for (TreePath folder : path.parent().chain()) {
      chain.add(folders.get(folder).definition());
    }
    chain.add(descriptor.definition());
    return chain;
  }

  /** {@return the direct sub-folders of {@code folder}, sorted by name} */
  public List<FolderConfig> subFolders(TreePath folder) {
    return children(folders, folder);
  }

  /** {@return the descriptors directly inside {@code folder}, sorted by name} */
  public List<DescriptorConfig> descriptorsIn(TreePath folder) {
    return children(descriptors, folder);
  }

  private static <V> List<V> children(NavigableMap<TreePath, V> map, TreePath folder) {
    List<V> out = new ArrayList<>();
    for (Map.Entry<TreePath, V> e : map.tailMap(folder, false).entrySet()) {
      if (!folder.contains(e.getKey())) {
        break;
      }
      if (e.getKey().depth() == folder.depth() + 1) {
        out.add(e.getValue());
      }
    }
    return out;
  }
}
