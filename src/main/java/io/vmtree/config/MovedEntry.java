package io.vmtree.config;

import io.vmtree.diag.Origin;
import io.vmtree.tree.TreePath;
import java.util.Objects;

/** A {@code moved:} entry of a folder: the object at {@code from} is now at {@code to}. */
public record MovedEntry(TreePath from, TreePath to, Origin origin) {
  public MovedEntry {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(origin, "origin");
  }
}
