package io.vmtree.load;

import io.vmtree.diag.Diagnostics;
import io.vmtree.diag.Origin;
import io.vmtree.tree.Names;
import io.vmtree.tree.TreePath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The directory walk of a tree root, one level of directories at a time, the directories of a level
 * listed in parallel: a big tree has thousands of directories and a hundred thousand entries to
 * look at. Names starting with {@code .} and files that are not YAML are skipped; a directory with
 * an invalid name is reported and not entered.
 */
final class TreeScan {
  private final Path root;
  private final Diagnostics diagnostics;

  TreeScan(Path root, Diagnostics diagnostics) {
    this.root = root;
    this.diagnostics = diagnostics;
  }

  /** A directory, and the folder it is. */
  record Directory(Path dir, TreePath folder) {}

  /** What a level of directories holds: the next level's directories, and the YAML files. */
  record Level(List<Directory> directories, List<TreeFileReader.Source> files) {}

  /** {@return the first level: the tree root} */
  List<Directory> top() {
    return List.of(new Directory(root, TreePath.ROOT));
  }

  /** {@return what {@code directories} hold, in their order, each listed by name} */
  Level list(List<Directory> directories) {
    List<Level> listings = directories.parallelStream().map(this::list).toList();
    List<Directory> subDirectories = new ArrayList<>();
    List<TreeFileReader.Source> files = new ArrayList<>();
    for (Level listing : listings) {
      subDirectories.addAll(listing.directories());
      files.addAll(listing.files());
    }
    return new Level(subDirectories, files);
  }

  private Level list(Directory directory) {
    List<Path> entries;
    try (Stream<Path> list = Files.list(directory.dir())) {
      entries = list.sorted().toList();
    } catch (IOException e) {
      diagnostics.error(Origin.ofFile(relative(directory.dir()) + "/"), "cannot list folder: " + e);
      return new Level(List.of(), List.of());
    }
    List<Directory> subDirectories = new ArrayList<>();
    List<TreeFileReader.Source> files = new ArrayList<>();
    for (Path entry : entries) {
      String name = entry.getFileName().toString();
      if (name.startsWith(".")) {
        continue;
      }
      BasicFileAttributes attributes = attributes(entry);
      if (attributes != null && attributes.isDirectory()) {
        try {
          subDirectories.add(new Directory(entry, directory.folder().child(name)));
        } catch (IllegalArgumentException e) {
          diagnostics.error(Origin.ofFile(relative(entry) + "/"), Names.explainInvalid(name));
        }
      } else if (isYaml(name) && isRegularFile(entry, attributes)) {
        files.add(new TreeFileReader.Source(entry, relative(entry), directory.folder()));
      }
    }
    return new Level(subDirectories, files);
  }

  // one stat per entry
  private static BasicFileAttributes attributes(Path entry) {
    try {
      return Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return null;
    }
  }

  private static boolean isRegularFile(Path entry, BasicFileAttributes attributes) {
    if (attributes == null) {
      return false;
    }
    return attributes.isRegularFile()
        || (attributes.isSymbolicLink() && Files.isRegularFile(entry));
  }

  private static boolean isYaml(String name) {
    return name.endsWith(".yaml") || name.endsWith(".yml");
  }

  private String relative(Path file) {
    return root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
  }
}
