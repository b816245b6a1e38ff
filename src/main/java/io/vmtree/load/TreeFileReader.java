package io.vmtree.load;

import io.vmtree.config.DescriptorConfig;
import io.vmtree.config.MovedEntry;
import io.vmtree.definition.Definition;
import io.vmtree.diag.Diagnostics;
import io.vmtree.diag.Origin;
import io.vmtree.tree.Names;
import io.vmtree.tree.TreePath;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * Reads one file of a tree into records: parses it, checks it against its schema and reads the
 * folder or descriptor it describes. Runs for many files at once; thread-safe.
 */
final class TreeFileReader {
  private static final String FOLDER_FILE = "_folder";

  private final Supplier<SchemaValidator> schemas;
  private final YamlReader yaml = new YamlReader();

  TreeFileReader(Supplier<SchemaValidator> schemas) {
    this.schemas = schemas;
  }

  /** A YAML file found by the scan, and the folder it belongs to. */
  record Source(Path file, String relative, TreePath folder) {
    String stem() {
      String name = file.getFileName().toString();
      return name.substring(0, name.lastIndexOf('.'));
    }

    boolean isFolderFile() {
      return stem().equals(FOLDER_FILE);
    }

    Origin origin() {
      return Origin.ofFile(relative);
    }
  }

  /** What one file yields. */
  sealed interface Result permits FolderFile, DescriptorFile {
    /** {@return the file read} */
    Source source();
  }

  /**
   * A {@code _folder.yaml}; {@code content} is empty when the file was rejected.
   *
   * @param content what the file describes; its diagnostics count only if this file is the folder's
   *     only description
   */
  record FolderFile(Source source, Optional<FolderContent> content) implements Result {}

  /** The content of an accepted {@code _folder.yaml}, with the problems found reading it. */
  record FolderContent(
      Definition definition,
      List<DescriptorConfig> vms,
      List<MovedEntry> moved,
      Diagnostics diagnostics) {}

  /**
   * A descriptor file.
   *
   * @param path empty when the file name is not a valid descriptor name
   * @param descriptor empty when the file was rejected
   */
  record DescriptorFile(
      Source source, Optional<TreePath> path, Optional<DescriptorConfig> descriptor)
      implements Result {}

  /** {@return what {@code source} holds; problems go to {@code diagnostics}} */
  Result read(Source source, Diagnostics diagnostics) {
    SchemaValidator.Kind kind =
        source.isFolderFile() ? SchemaValidator.Kind.FOLDER : SchemaValidator.Kind.DESCRIPTOR;
    Optional<YamlDocument> doc = document(source, kind, diagnostics);
    return source.isFolderFile()
        ? new FolderFile(source, doc.map(d -> folderContent(d, source.folder())))
        : descriptorFile(source, doc, diagnostics);
  }

  private Optional<YamlDocument> document(
      Source source, SchemaValidator.Kind kind, Diagnostics diagnostics) {
    Optional<YamlDocument> doc = yaml.read(source.file(), source.relative(), diagnostics);
    if (doc.isEmpty()) {
      return doc;
    }
    if (!doc.get().root().isObject()) {
      diagnostics.error(
          source.origin(), "expected a mapping of keys (definition, ...) at the top of the file");
      return Optional.empty();
    }
    return schemas.get().validate(doc.get(), kind, diagnostics) ? doc : Optional.empty();
  }

  private static DescriptorFile descriptorFile(
      Source source, Optional<YamlDocument> doc, Diagnostics diagnostics) {
    String name = source.stem();
    TreePath path;
    try {
      path = source.folder().child(name);
    } catch (IllegalArgumentException e) {
      diagnostics.error(
          source.origin(), Names.explainInvalid(name) + " (the file name is the descriptor name)");
      return new DescriptorFile(source, Optional.empty(), Optional.empty());
    }
    Optional<DescriptorConfig> descriptor =
        doc.map(d -> new DescriptorReader(d, diagnostics).read(path, "", source.origin()));
    return new DescriptorFile(source, Optional.of(path), descriptor);
  }

  private static FolderContent folderContent(YamlDocument doc, TreePath folder) {
    Diagnostics diagnostics = new Diagnostics();
    Definition definition = new DefinitionReader(doc, diagnostics).read("/definition");
    DescriptorReader reader = new DescriptorReader(doc, diagnostics);
    List<DescriptorConfig> vms = new ArrayList<>();
    for (Map.Entry<String, JsonNode> vm : doc.root().path("vms").properties()) {
      String pointer = YamlDocument.child("/vms", vm.getKey());
      try {
        vms.add(reader.read(folder.child(vm.getKey()), pointer, doc.origin(pointer)));
      } catch (IllegalArgumentException e) {
        diagnostics.error(doc.origin(pointer), Names.explainInvalid(vm.getKey()));
      }
    }
    return new FolderContent(definition, vms, moved(doc, folder, diagnostics), diagnostics);
  }

  private static List<MovedEntry> moved(
      YamlDocument doc, TreePath folder, Diagnostics diagnostics) {
    List<MovedEntry> moved = new ArrayList<>();
    JsonNode list = doc.root().path("moved");
    for (int i = 0; i < list.size(); i++) {
      String pointer = YamlDocument.child("/moved", i);
      Optional<TreePath> from = movedPath(doc, pointer + "/from", folder, diagnostics);
      Optional<TreePath> to = movedPath(doc, pointer + "/to", folder, diagnostics);
      if (from.isPresent() && to.isPresent()) {
        moved.add(new MovedEntry(from.get(), to.get(), doc.origin(pointer + "/from")));
      }
    }
    return moved;
  }

  private static Optional<TreePath> movedPath(
      YamlDocument doc, String pointer, TreePath folder, Diagnostics diagnostics) {
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
