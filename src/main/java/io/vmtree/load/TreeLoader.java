package io.vmtree.load;

import io.vmtree.config.DescriptorConfig;
import io.vmtree.config.DesiredTree;
import io.vmtree.config.FolderConfig;
import io.vmtree.config.MovedEntry;
import io.vmtree.definition.Definition;
import io.vmtree.diag.Diagnostics;
import io.vmtree.diag.Origin;
import io.vmtree.tree.Names;
import io.vmtree.tree.TreePath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads a tree root directory into a {@link DesiredTree} (SPEC §2). Every sub-directory is a
 * folder; {@code _folder.yaml} describes it; every other YAML file is a descriptor. Names starting
 * with {@code .} and non-YAML files are ignored. All problems are collected, none stops the load;
 * files are parsed in parallel, since a big tree is mostly file reading.
 */
public final class TreeLoader {
  private static final String FOLDER_FILE = "_folder";

  private final SchemaValidator schemas;
  private final YamlReader yaml = new YamlReader();

  /** A loader checking files against {@code schemas}. */
  public TreeLoader(SchemaValidator schemas) {
    this.schemas = java.util.Objects.requireNonNull(schemas);
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
    List<Source> sources = new ArrayList<>();
    scan(root, root, TreePath.ROOT, sources, diagnostics);
    List<Parsed> parsed =
        sources.parallelStream().map(source -> parse(source, diagnostics)).toList();
    return Optional.of(assemble(root, parsed, diagnostics));
  }

  /** A YAML file found by the scan, and the folder it belongs to. */
  private record Source(Path file, String relative, TreePath folder, boolean isFolderFile) {
    String stem() {
      String name = file.getFileName().toString();
      return name.substring(0, name.lastIndexOf('.'));
    }
  }

  /** A file after parsing and schema checks; {@code doc} is empty when it failed. */
  private record Parsed(Source source, Optional<YamlDocument> doc) {}

  private void scan(
      Path root, Path dir, TreePath folder, List<Source> out, Diagnostics diagnostics) {
    List<Path> entries;
    try (Stream<Path> list = Files.list(dir)) {
      entries = list.sorted().toList();
    } catch (IOException e) {
      diagnostics.error(Origin.ofFile(relative(root, dir) + "/"), "cannot list folder: " + e);
      return;
    }
    for (Path entry : entries) {
      String name = entry.getFileName().toString();
      if (name.startsWith(".")) {
        continue;
      }
      if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
        if (!Names.isValid(name)) {
          diagnostics.error(Origin.ofFile(relative(root, entry) + "/"), Names.explainInvalid(name));
          continue;
        }
        out.add(new Source(entry, relative(root, entry) + "/", folder.child(name), false));
        scan(root, entry, folder.child(name), out, diagnostics);
      } else if (isYaml(name) && Files.isRegularFile(entry)) {
        String stem = name.substring(0, name.lastIndexOf('.'));
        out.add(new Source(entry, relative(root, entry), folder, stem.equals(FOLDER_FILE)));
      }
    }
  }

  private static boolean isYaml(String name) {
    return name.endsWith(".yaml") || name.endsWith(".yml");
  }

  private static String relative(Path root, Path file) {
    return root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
  }

  private Parsed parse(Source source, Diagnostics diagnostics) {
    if (source.relative().endsWith("/")) {
      return new Parsed(source, Optional.empty());
    }
    Optional<YamlDocument> doc = yaml.read(source.file(), source.relative(), diagnostics);
    if (doc.isPresent() && !doc.get().root().isObject()) {
      diagnostics.error(
          Origin.ofFile(source.relative()),
          "expected a mapping of keys (definition, ...) at the top of the file");
      return new Parsed(source, Optional.empty());
    }
    SchemaValidator.Kind kind =
        source.isFolderFile() ? SchemaValidator.Kind.FOLDER : SchemaValidator.Kind.DESCRIPTOR;
    if (doc.isPresent() && !schemas.validate(doc.get(), kind, diagnostics)) {
      return new Parsed(source, Optional.empty());
    }
    return new Parsed(source, doc);
  }

  private DesiredTree assemble(Path root, List<Parsed> parsed, Diagnostics diagnostics) {
    Assembly assembly = new Assembly(diagnostics);
    assembly.folders.put(
        TreePath.ROOT, new FolderConfig(TreePath.ROOT, Definition.EMPTY, Origin.ofFile("./")));
    for (Parsed p : parsed) {
      if (p.source().relative().endsWith("/")) {
        assembly.addDirectory(p.source());
      }
    }
    for (Parsed p : parsed) {
      if (p.source().isFolderFile()) {
        assembly.addFolderFile(p);
      }
    }
    for (Parsed p : parsed) {
      if (!p.source().isFolderFile() && !p.source().relative().endsWith("/")) {
        assembly.addDescriptorFile(p);
      }
    }
    return new DesiredTree(root, assembly.folders, assembly.descriptors, assembly.moved);
  }

  /** The mutable state of one assembly: what was placed where, for clash checks. */
  private static final class Assembly {
    final Diagnostics diagnostics;
    final Map<TreePath, FolderConfig> folders = new TreeMap<>();
    final Map<TreePath, DescriptorConfig> descriptors = new HashMap<>();
    final Map<TreePath, String> folderFiles = new HashMap<>();
    final List<MovedEntry> moved = new ArrayList<>();

    Assembly(Diagnostics diagnostics) {
      this.diagnostics = diagnostics;
    }

    void addDirectory(Source source) {
      folders.put(
          source.folder(),
          new FolderConfig(source.folder(), Definition.EMPTY, Origin.ofFile(source.relative())));
    }

    void addFolderFile(Parsed p) {
      Source source = p.source();
      String first = folderFiles.putIfAbsent(source.folder(), source.relative());
      if (first != null) {
        diagnostics.error(
            Origin.ofFile(source.relative()),
            "folder " + source.folder() + " is described twice",
            "also by " + first + "; keep one of .yaml and .yml");
        return;
      }
      if (p.doc().isEmpty()) {
        return;
      }
      YamlDocument doc = p.doc().get();
      Definition definition = new DefinitionReader(doc, diagnostics).read("/definition");
      folders.put(
          source.folder(),
          new FolderConfig(source.folder(), definition, Origin.ofFile(source.relative())));
      DescriptorReader reader = new DescriptorReader(doc, diagnostics);
      for (Map.Entry<String, tools.jackson.databind.JsonNode> vm :
          doc.root().path("vms").properties()) {
        String pointer = YamlDocument.child("/vms", vm.getKey());
        TreePath path = source.folder().child(vm.getKey());
        place(reader.read(path, pointer, doc.origin(pointer)));
      }
      readMoved(doc, source.folder());
    }

    void addDescriptorFile(Parsed p) {
      Source source = p.source();
      String name = source.stem();
      Origin at = Origin.ofFile(source.relative());
      if (!Names.isValid(name)) {
        diagnostics.error(
            at, Names.explainInvalid(name) + " (the file name is the descriptor name)");
        return;
      }
      TreePath path = source.folder().child(name);
      if (p.doc().isEmpty()) {
        // still claim the name, so that a clash with another file is reported too
        placeholderClash(path, at);
        return;
      }
      place(new DescriptorReader(p.doc().get(), diagnostics).read(path, "", at));
    }

    private void placeholderClash(TreePath path, Origin at) {
      DescriptorConfig other = descriptors.get(path);
      if (other != null) {
        duplicate(path, at, other.origin());
      }
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
    }

    private void duplicate(TreePath path, Origin at, Origin other) {
      Origin first = at.compareTo(other) <= 0 ? at : other;
      Origin second = first == at ? other : at;
      diagnostics.error(
          second,
          "descriptor " + path + " is defined twice",
          "also at " + first.position() + "; a descriptor is written once, inline or as a file");
    }

    void readMoved(YamlDocument doc, TreePath folder) {
      tools.jackson.databind.JsonNode list = doc.root().path("moved");
      for (int i = 0; i < list.size(); i++) {
        String pointer = YamlDocument.child("/moved", i);
        Optional<TreePath> from = movedPath(doc, pointer + "/from", folder);
        Optional<TreePath> to = movedPath(doc, pointer + "/to", folder);
        if (from.isPresent() && to.isPresent()) {
          moved.add(new MovedEntry(from.get(), to.get(), doc.origin(pointer + "/from")));
        }
      }
    }

    private Optional<TreePath> movedPath(YamlDocument doc, String pointer, TreePath folder) {
      String text = doc.root().at(pointer).asString();
      try {
        TreePath path = TreePath.parse(text, folder);
        if (path.isRoot()) {
          diagnostics.error(doc.origin(pointer), "moved: the root folder cannot be moved");
          return Optional.empty();
        }
        return Optional.of(path);
      } catch (IllegalArgumentException e) {
        diagnostics.error(doc.origin(pointer), "moved: " + e.getMessage());
        return Optional.empty();
      }
    }
  }
}
