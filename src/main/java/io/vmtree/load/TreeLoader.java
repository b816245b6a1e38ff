package io.vmtree.load;

import io.vmtree.config.DescriptorConfig;
import io.vmtree.config.DesiredTree;
import io.vmtree.config.FolderConfig;
import io.vmtree.config.MovedEntry;
import io.vmtree.definition.Definition;
import io.vmtree.diag.Diagnostics;
import io.vmtree.diag.Origin;
import io.vmtree.tree.TreePath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Reads a tree root directory into a {@link DesiredTree} (SPEC §2). Every sub-directory is a
 * folder; {@code _folder.yaml} describes it; every other YAML file is a descriptor. Names starting
 * with {@code .} and non-YAML files are ignored. All problems are collected, none stops the load.
 *
 * <p>A big tree is mostly file reading, so the directories are listed in parallel ({@link
 * TreeScan}), and each file is read, checked and turned into records in parallel ({@link
 * TreeFileReader}); only placing the records, which checks names across files, is serial. No parsed
 * document outlives its file's step, which keeps the heap small.
 */
public final class TreeLoader {
  private final TreeFileReader files;

  /** A loader checking files against {@code schemas}. */
  public TreeLoader(SchemaValidator schemas) {
    this(() -> schemas);
    Objects.requireNonNull(schemas);
  }

  /**
   * A loader checking files against the schemas {@code schemas} gives when the first file is
   * checked: they may still be loading meanwhile (~0.1 s), while the tree is listed and parsed.
   */
  public TreeLoader(Supplier<SchemaValidator> schemas) {
    this.files = new TreeFileReader(Objects.requireNonNull(schemas));
  }

  /** {@return the tree under {@code root}, or empty when the root itself cannot be read} */
  public Optional<DesiredTree> load(Path root, Diagnostics diagnostics) {
    if (!Files.isDirectory(root)) {
      diagnostics.error(
          null,
          Files.exists(root)
              ? "tree root " + root + " is not a directory"
              : "tree root " + root + " does not exist");
      return Optional.empty();
    }
    TreeScan scan = new TreeScan(root, diagnostics);
    List<TreePath> directories = new ArrayList<>();
    List<TreeFileReader.Result> results = new ArrayList<>();
    for (List<TreeScan.Directory> level = scan.top(); !level.isEmpty(); ) {
      TreeScan.Level found = scan.list(level);
      results.addAll(
          found.files().parallelStream().map(file -> files.read(file, diagnostics)).toList());
      found.directories().forEach(directory -> directories.add(directory.folder()));
      level = found.directories();
    }
    return Optional.of(assemble(root, directories, results, diagnostics));
  }

  private static DesiredTree assemble(
      Path root,
      List<TreePath> directories,
      List<TreeFileReader.Result> results,
      Diagnostics diagnostics) {
    Assembly assembly = new Assembly(diagnostics);
    assembly.folders.put(
        TreePath.ROOT, new FolderConfig(TreePath.ROOT, Definition.EMPTY, Origin.ofFile("./")));
    for (TreePath directory : directories) {
      assembly.addDirectory(directory);
    }
    // in tree order, so that moved entries keep it and .yaml comes before .yml in a folder
    List<TreeFileReader.FolderFile> folderFiles = new ArrayList<>();
    for (TreeFileReader.Result result : results) {
      if (result instanceof TreeFileReader.FolderFile file) {
        folderFiles.add(file);
      }
    }
    folderFiles.sort(Comparator.comparing(file -> file.source().folder()));
    folderFiles.forEach(assembly::addFolderFile);
    for (TreeFileReader.Result result : results) {
      if (result instanceof TreeFileReader.DescriptorFile file) {
        assembly.addDescriptorFile(file);
      }
    }
    return new DesiredTree(
        root, assembly.folders, assembly.sortedDescriptors(), assembly.moved, assembly.rejected);
  }

  /** The mutable state of one assembly: what was placed where, for clash checks. */
  private static final class Assembly {
    final Diagnostics diagnostics;
    final Map<TreePath, FolderConfig> folders = new HashMap<>();
    // hashed for the clash checks; sorted once at the end (a sorted map's lookups walk memory)
    final Map<TreePath, DescriptorConfig> descriptors = new HashMap<>();
    final List<DescriptorConfig> placed = new ArrayList<>();
    final Map<TreePath, String> folderFiles = new HashMap<>();
    final List<MovedEntry> moved = new ArrayList<>();
    final Set<TreePath> rejected = new HashSet<>();

    Assembly(Diagnostics diagnostics) {
      this.diagnostics = diagnostics;
    }

    void addDirectory(TreePath folder) {
      folders.put(folder, new FolderConfig(folder, Definition.EMPTY, directoryOrigin(folder)));
    }

    private static Origin directoryOrigin(TreePath folder) {
      return Origin.ofFile(folder.toString().substring(1) + "/");
    }

    void addFolderFile(TreeFileReader.FolderFile file) {
      TreePath folder = file.source().folder();
      String first = folderFiles.putIfAbsent(folder, file.source().relative());
      if (first != null) {
        diagnostics.error(
            file.source().origin(),
            "folder " + folder + " is described twice",
            "also by " + first + "; keep one of .yaml and .yml");
        return;
      }
      if (file.content().isEmpty()) {
        rejected.add(folder);
        return;
      }
      TreeFileReader.FolderContent content = file.content().get();
      diagnostics.addAll(content.diagnostics());
      folders.put(folder, new FolderConfig(folder, content.definition(), file.source().origin()));
      content.vms().forEach(this::place);
      moved.addAll(content.moved());
    }

    void addDescriptorFile(TreeFileReader.DescriptorFile file) {
      if (file.path().isEmpty()) {
        return;
      }
      TreePath path = file.path().get();
      if (file.descriptor().isEmpty()) {
        rejected.add(path);
        // still claim the name, so that a clash with another file is reported too
        DescriptorConfig other = descriptors.get(path);
        if (other != null) {
          duplicate(path, file.source().origin(), other.origin());
        }
        return;
      }
      place(file.descriptor().get());
    }

    void place(DescriptorConfig descriptor) {
      TreePath path = descriptor.path();
      DescriptorConfig other = descriptors.get(path);
      if (other != null) {
        duplicate(path, descriptor.origin(), other.origin());
        return;
      }
      FolderConfig folder = folders.get(path);
      if (folder != null) {
        diagnostics.error(
            descriptor.origin(),
            "descriptor " + path + " has the same name as a folder",
            "folder "
                + folder.origin().file()
                + "; a folder and a descriptor may not share a name");
        return;
      }
      descriptors.put(path, descriptor);
      placed.add(descriptor);
    }

    /** {@return the placed descriptors by path} */
    TreeMap<TreePath, DescriptorConfig> sortedDescriptors() {
      // files come in nearly path order: sorting is nearly linear, and so is inserting in order
      placed.sort(Comparator.comparing(DescriptorConfig::path));
      TreeMap<TreePath, DescriptorConfig> sorted = new TreeMap<>();
      for (DescriptorConfig descriptor : placed) {
        sorted.put(descriptor.path(), descriptor);
      }
      return sorted;
    }

    private void duplicate(TreePath path, Origin at, Origin other) {
      Origin first = at.compareTo(other) <= 0 ? at : other;
      Origin second = first == at ? other : at;
      diagnostics.error(
          second,
          "descriptor " + path + " is defined twice",
          "also at " + first.position() + "; a descriptor is written once, inline or as a file");
    }
  }
}
