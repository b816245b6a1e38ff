package io.vmtree.state;

import io.vmtree.tree.TreePath;
import java.io.File;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The {@code descriptors/} directory: one file per descriptor, at its full name plus {@code .json}
 * ({@code /lab/db/pg1} is {@code descriptors/lab/db/pg1.json}). Names never start with a dot, so
 * dot files (temp files, editor and desktop litter) are not descriptors.
 */
final class DescriptorFiles {
  private static final String SUFFIX = ".json";

  private final Path root;

  DescriptorFiles(Path root) {
    this.root = root;
  }

  /** {@return the file of the descriptor {@code fullName}} */
  Path file(TreePath fullName) {
    if (fullName.isRoot()) {
      throw new IllegalArgumentException("the root folder / is not a descriptor");
    }
    Path file = root;
    for (String segment : fullName.parent().segments()) {
      file = file.resolve(segment);
    }
    return file.resolve(fullName.name() + SUFFIX);
  }

  /** Writes the descriptor's file atomically; durably unless the state log covers it. */
  void write(DescriptorState descriptor, boolean durable) {
    AtomicFiles.write(
        file(descriptor.fullName()), StateCodec.encodeDescriptor(descriptor), durable);
  }

  /**
   * Deletes the descriptor's file and the directories it leaves empty; durably unless the state log
   * covers it.
   *
   * @return false when there was no such file
   */
  boolean delete(TreePath fullName, boolean durable) {
    Path file = file(fullName);
    try {
      if (!Files.deleteIfExists(file)) {
        return false;
      }
    } catch (IOException e) {
      throw new StateException(
          "cannot delete state file " + file + ": " + AtomicFiles.reason(e), e);
    }
    if (durable) {
      AtomicFiles.syncDirectory(file.getParent());
    }
    prune(file.getParent());
    return true;
  }

  private void prune(Path dir) {
    for (Path d = dir; !d.equals(root); d = d.getParent()) {
      try {
        Files.delete(d);
      } catch (IOException e) {
        // not empty (the usual end) or already gone; an empty directory left behind is harmless
        return;
      }
    }
  }

  /**
   * {@return every descriptor, read in parallel}
   *
   * @throws StateException for the first bad file in path order, the others suppressed
   */
  NavigableMap<TreePath, DescriptorState> readAll() {
    List<StateException> errors = new ArrayList<>();
    List<Loaded> loaded = list(errors).parallelStream().map(this::load).toList();
    NavigableMap<TreePath, DescriptorState> descriptors = new TreeMap<>();
    for (Loaded one : loaded) {
      if (one.error() == null) {
        descriptors.put(one.state().fullName(), one.state());
      } else {
        errors.add(one.error());
      }
    }
    if (!errors.isEmpty()) {
      errors.sort(Comparator.comparing(Throwable::getMessage));
      StateException first = errors.get(0);
      errors.subList(1, errors.size()).forEach(first::addSuppressed);
      throw first;
    }
    return descriptors;
  }

  private record Loaded(DescriptorState state, StateException error) {}

  private Loaded load(Path file) {
    try {
      byte[] bytes = AtomicFiles.readIfExists(file);
      if (bytes == null) {
        throw new StateException("state file " + file + " disappeared while it was read");
      }
      DescriptorState state = StateCodec.decodeDescriptor(file, bytes);
      String expected = fullNameOf(file);
      if (!state.fullName().toString().equals(expected)) {
        throw new StateException(
            "state file "
                + file
                + " holds full_name "
                + state.fullName()
                + " but its path says "
                + expected);
      }
      return new Loaded(state, null);
    } catch (StateException e) {
      return new Loaded(null, e);
    }
  }

  private String fullNameOf(Path file) {
    String relative = file.toString().substring(root.toString().length() + 1);
    if (File.separatorChar != '/') {
      relative = relative.replace(File.separatorChar, '/');
    }
    return "/" + relative.substring(0, relative.length() - SUFFIX.length());
  }

  private List<Path> list(List<StateException> errors) {
    List<Path> files = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return files;
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              return !dir.equals(root) && hidden(dir)
                  ? FileVisitResult.SKIP_SUBTREE
                  : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              if (hidden(file)) {
                return FileVisitResult.CONTINUE;
              }
              if (attrs.isRegularFile() && file.getFileName().toString().endsWith(SUFFIX)) {
                files.add(file);
              } else {
                errors.add(
                    new StateException(
                        "unexpected file "
                            + file
                            + " in the state: descriptor files are named NAME"
                            + SUFFIX));
              }
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new StateException(
          "cannot list state directory " + root + ": " + AtomicFiles.reason(e), e);
    }
    return files;
  }

  private static boolean hidden(Path path) {
    return path.getFileName().toString().startsWith(".");
  }
}
