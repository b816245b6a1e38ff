package io.vmtree.config;

import io.vmtree.definition.Definition;
import io.vmtree.diag.Origin;
import io.vmtree.tree.TreePath;
import java.util.Objects;

/**
 * A folder of the desired tree: a directory, with the definition of its {@code _folder.yaml}.
 *
 * @param origin the {@code _folder.yaml} (or the directory, as {@code dir/}, when there is none)
 */
public record FolderConfig(TreePath path, Definition definition, Origin origin) {
  public FolderConfig {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(definition, "definition");
    Objects.requireNonNull(origin, "origin");
  }
}
