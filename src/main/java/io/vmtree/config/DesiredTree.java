package io.vmtree.config;

import io.vmtree.definition.Definition;
import io.vmtree.tree.TreePath;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The tree as written on disk: every folder and descriptor by path, and the {@code moved} entries.
 * Immutable. The root folder is always present. It also knows which files were rejected (YAML or
 * schema errors), so that a reference to what they hold is not reported as unknown on top.
 */
public final class DesiredTree {
  private final Path root;
  private final NavigableMap<TreePath, FolderConfig> folders;
  private final NavigableMap<TreePath, DescriptorConfig> descriptors;
  private final List<MovedEntry> moved;
  private final Set<TreePath> rejected;
  // hash indexes: the cascade looks up every ancestor of every descriptor
  private final Map<TreePath, FolderConfig> folderIndex;
  private final Map<TreePath, DescriptorConfig> descriptorIndex;

  /** Builds a tree; {@code folders} must contain the root and every descriptor's folder. */
  public DesiredTree(
      Path root,
      Map<TreePath, FolderConfig> folders,
      Map<TreePath, DescriptorConfig> descriptors,
      List<MovedEntry> moved) {
    this(root, folders, descriptors, moved, Set.of());
  }

  /**
   * Builds a tree that lacks what rejected files hold.
   *
   * @param rejected the path of every descriptor whose file was rejected, and the folder of every
   *     rejected {@code _folder.yaml}
   */
  public DesiredTree(
      Path root,
      Map<TreePath, FolderConfig> folders,
      Map<TreePath, DescriptorConfig> descriptors,
      List<MovedEntry> moved,
      Set<TreePath> rejected) {
    this.root = Objects.requireNonNull(root, "root");
    // a TreeMap copies a sorted map in linear time
    this.folders = Collections.unmodifiableNavigableMap(new TreeMap<>(folders));
    this.descriptors = Collections.unmodifiableNavigableMap(new TreeMap<>(descriptors));
    this.moved = List.copyOf(moved);
    this.rejected = Set.copyOf(rejected);
    if (!this.folders.containsKey(TreePath.ROOT)) {
      throw new IllegalArgumentException("a tree has a root folder");
    }
    this.folderIndex = new HashMap<>(this.folders);
    this.descriptorIndex = new HashMap<>(this.descriptors);
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
    return Optional.ofNullable(folderIndex.get(path));
  }

  /** {@return the descriptor at {@code path}} */
  public Optional<DescriptorConfig> descriptor(TreePath path) {
    return Optional.ofNullable(descriptorIndex.get(path));
  }

  /**
   * {@return the path of every descriptor whose file exists but was rejected, and the folder of
   * every rejected {@code _folder.yaml}; their content is missing from this tree}
   */
  public Set<TreePath> rejected() {
    return rejected;
  }

  /**
   * {@return true when a descriptor at {@code path} may exist but could not be read: its file was
   * rejected, or the {@code _folder.yaml} that could list it inline was}
   */
  public boolean mayBeRejected(TreePath path) {
    if (rejected.contains(path)) {
      return true;
    }
    TreePath folder = path.parent();
    return folder != null && rejected.contains(folder) && folderIndex.containsKey(folder);
  }

  /**
   * {@return the local definitions that cascade onto the descriptor at {@code path}: those of
   * {@code /}, each folder down to it, and the descriptor's own, root first (SPEC §3)}
   */
  public List<Definition> chain(TreePath path) {
    DescriptorConfig descriptor = descriptorIndex.get(path);
    if (descriptor == null) {
      throw new IllegalArgumentException("no descriptor " + path);
    }
    List<Definition> chain = new ArrayList<>(path.depth() + 1);
    for (TreePath folder : path.parent().chain()) {
      chain.add(folderIndex.get(folder).definition());
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
