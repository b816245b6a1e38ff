package io.vmtree.model;

import io.vmtree.definition.Definition;
import io.vmtree.tree.Names;
import io.vmtree.tree.TreePath;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A folder (SPEC §7): holds sub-folders and descriptors, whose names it keeps unambiguous, and a
 * local definition that cascades down to them.
 */
public final class Folder implements TreeNode {
  private final DescriptorTree tree;
  private final Folder parent;
  private final String name;
  private Definition localDefinition;
  private final TreeMap<String, TreeNode> children = new TreeMap<>();

  Folder(DescriptorTree tree, Folder parent, String name, Definition localDefinition) {
    this.tree = tree;
    this.parent = parent;
    this.name = name;
    this.localDefinition = Objects.requireNonNull(localDefinition);
  }

  @Override
  public TreePath fullName() {
    return isRoot() ? TreePath.ROOT : parent.fullName().child(name);
  }

  @Override
  public Folder parent() {
    return parent;
  }

  /** {@return true for the root folder {@code /}} */
  public boolean isRoot() {
    return parent == null;
  }

  @Override
  public Definition localDefinition() {
    return localDefinition;
  }

  /** Replaces this folder's local definition; it cascades to everything below. */
  public void redefine(Definition definition) {
    this.localDefinition = Objects.requireNonNull(definition);
  }

  /** {@return the direct sub-folders, sorted by name} */
  public List<Folder> folders() {
    return children.values().stream()
        .filter(Folder.class::isInstance)
        .map(Folder.class::cast)
        .toList();
  }

  /** {@return the descriptors directly in this folder, sorted by name} */
  public List<Descriptor> descriptors() {
    return children.values().stream()
        .filter(Descriptor.class::isInstance)
        .map(Descriptor.class::cast)
        .toList();
  }

  /** {@return every child, folders and descriptors, sorted by name} */
  public List<TreeNode> children() {
    return Collections.unmodifiableList(List.copyOf(children.values()));
  }

  /**
   * {@return the child called {@code name}}
   *
   * @throws ModelException naming the path when there is none
   */
  public TreeNode get(String name) {
    TreeNode child = children.get(name);
    if (child == null) {
      throw new ModelException("no folder or descriptor " + fullName().child(checked(name)));
    }
    return child;
  }

  /** {@return a new, empty sub-folder called {@code name}} */
  public Folder createSubFolder(String name) {
    return createSubFolder(name, Definition.EMPTY);
  }

  /** {@return a new, empty sub-folder called {@code name} with a local definition} */
  public Folder createSubFolder(String name, Definition definition) {
    Folder folder = new Folder(tree, this, claim(name), definition);
    children.put(name, folder);
    return folder;
  }

  /**
   * {@return a new descriptor called {@code name}, with status {@code provisioned}}
   *
   * @throws ModelException when the name is invalid or taken
   */
  public Descriptor provision(String name, Definition localDefinition) {
    Descriptor descriptor = new Descriptor(this, claim(name), localDefinition);
    children.put(name, descriptor);
    tree.indexed(descriptor);
    return descriptor;
  }

  /**
   * Removes this folder from its parent.
   *
   * @throws ModelException for the root, or when the folder still holds anything
   */
  public void remove() {
    if (isRoot()) {
      throw new ModelException("the root folder cannot be removed");
    }
    if (!children.isEmpty()) {
      throw new ModelException(
          "folder " + fullName() + " is not empty (" + children.size() + " objects in it)");
    }
    parent.children.remove(name);
  }

  void detach(Descriptor descriptor) {
    children.remove(descriptor.name());
  }

  void attach(Descriptor descriptor) {
    claim(descriptor.name());
    children.put(descriptor.name(), descriptor);
  }

  private String claim(String name) {
    checked(name);
    TreeNode existing = children.get(name);
    if (existing != null) {
      String kind = existing instanceof Folder ? "a folder" : "a descriptor";
      throw new ModelException(fullName().child(name) + " already exists as " + kind);
    }
    return name;
  }

  private static String checked(String name) {
    if (!Names.isValid(name)) {
      throw new ModelException(Names.explainInvalid(name));
    }
    return name;
  }

  @Override
  public String toString() {
    return fullName().toString();
  }
}
