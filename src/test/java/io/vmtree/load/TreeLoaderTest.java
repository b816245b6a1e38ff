package io.vmtree.load;

import static io.vmtree.testing.TreeFixture.ROOT_FOLDER;
import static io.vmtree.testing.TreeFixture.files;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtree.config.DesiredTree;
import io.vmtree.diag.Diagnostic;
import io.vmtree.diag.Diagnostics;
import io.vmtree.testing.TreeFixture;
import io.vmtree.tree.TreePath;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeLoaderTest {
  private static final TreeLoader LOADER = new TreeLoader(SchemaValidator.load());

  @TempDir Path dir;

  private record Loaded(DesiredTree tree, List<String> errors) {}

  private Loaded load(Map<String, String> files) {
    Path root = TreeFixture.write(dir, files);
    Diagnostics diagnostics = new Diagnostics();
    DesiredTree tree = LOADER.load(root, diagnostics).orElseThrow();
    TreeChecks.check(tree, diagnostics);
    return new Loaded(tree, diagnostics.sorted().stream().map(Diagnostic::format).toList());
  }

  @Test
  void readsFoldersDescriptorsInlineVmsAndMoves() {
    Loaded loaded =
        load(
            files(
                "_folder.yaml", ROOT_FOLDER,
                "lab/_folder.yaml",
                    "definition: {vcpu: 4}\nvms:\n  web1: {}\nmoved:\n  - {from: old, to: web1}\n",
                "lab/db/pg1.yaml", "depends_on: [/lab/web1]\n",
                "lab/db/notes.txt", "not yaml",
                "lab/.hidden/x.yaml", "{}\n",
                "empty/", ""));
    assertEquals(List.of(), loaded.errors());
    DesiredTree tree = loaded.tree();
    assertEquals(
        List.of(TreePath.ROOT, TreePath.of("/empty"), TreePath.of("/lab"), TreePath.of("/lab/db")),
        List.copyOf(tree.folders().keySet()));
    assertEquals(
        List.of(TreePath.of("/lab/db/pg1"), TreePath.of("/lab/web1")),
        List.copyOf(tree.descriptors().keySet()));
    assertEquals(4, tree.folder(TreePath.of("/lab")).orElseThrow().definition().vcpu().value());
    assertEquals(TreePath.of("/lab/old"), tree.moved().get(0).from());
    assertEquals(4, tree.chain(TreePath.of("/lab/db/pg1")).size());
    assertEquals(Set.of(), tree.rejected());
  }

  @Test
  void keepsMovedEntriesInTreeOrder() {
    Loaded loaded =
        load(
            files(
                "_folder.yaml", ROOT_FOLDER + "moved:\n  - {from: /r1, to: /b/x}\n",
                "b/_folder.yaml", "moved:\n  - {from: b1, to: x}\n",
                "a/_folder.yaml", "moved:\n  - {from: a1, to: /b/x}\n  - {from: a2, to: /b/x}\n",
                "a/z/_folder.yaml", "moved:\n  - {from: z1, to: /b/x}\n",
                "b/x.yaml", "{}\n"));
    assertEquals(List.of(), loaded.errors());
    assertEquals(
        List.of("/r1", "/a/a1", "/a/a2", "/a/z/z1", "/b/b1"),
        loaded.tree().moved().stream().map(m -> m.from().toString()).toList());
  }

  @Test
  void aDependencyOnARejectedFileIsNotReportedAsUnknown() {
    Loaded loaded =
        load(
            files(
                "_folder.yaml", ROOT_FOLDER,
                "a/n5.yaml", "definition: {vcpu: many}\n",
                "a/n6.yaml", "definition:\n  vcpu: [2\n",
                "b/app.yaml", "depends_on: [/a/n5, /a/n6, /a/n7]\n"));
    assertEquals(Set.of(TreePath.of("/a/n5"), TreePath.of("/a/n6")), loaded.tree().rejected());
    assertTrue(loaded.errors().stream().anyMatch(e -> e.startsWith("a/n5.yaml:")));
    assertTrue(loaded.errors().stream().anyMatch(e -> e.startsWith("a/n6.yaml:")));
    assertTrue(
        loaded.errors().contains("b/app.yaml:1:28: depends_on: unknown descriptor /a/n7"),
        loaded.errors().toString());
    assertFalse(
        loaded.errors().stream().anyMatch(e -> e.contains("/a/n5") || e.contains("/a/n6")),
        loaded.errors().toString());
  }

  @Test
  void aRejectedFolderFileHidesItsInlineVmsWithoutErrorsAboutThem() {
    Loaded loaded =
        load(
            files(
                "_folder.yaml", ROOT_FOLDER + "moved:\n  - {from: /gone, to: /a/web1}\n",
                "a/_folder.yaml", "vms:\n  web1: {}\nbogus: 1\n",
                "b.yaml", "depends_on: [/a/web1, /c/x]\n"));
    assertEquals(Set.of(TreePath.of("/a")), loaded.tree().rejected());
    assertTrue(loaded.tree().mayBeRejected(TreePath.of("/a/web1")));
    assertFalse(loaded.tree().mayBeRejected(TreePath.of("/c/x")));
    assertEquals(2, loaded.errors().size(), loaded.errors().toString());
    assertTrue(loaded.errors().get(0).startsWith("a/_folder.yaml:3:1: unknown key \"bogus\""));
    assertEquals("b.yaml:1:23: depends_on: unknown descriptor /c/x", loaded.errors().get(1));
  }

  @Test
  void aRejectedFileStillClashesWithItsTwin() {
    Loaded loaded =
        load(files("_folder.yaml", ROOT_FOLDER, "w.yaml", "{}\n", "w.yml", "bogus: 1\n"));
    assertTrue(
        loaded.errors().stream().anyMatch(e -> e.startsWith("w.yml:1:1: descriptor /w is defined")),
        loaded.errors().toString());
  }

  @Test
  void onlyTheFirstOfTwoFolderFilesIsRead() {
    // a literal password draws a warning when the definition is read: not for the ignored file
    Loaded loaded =
        load(
            files(
                "_folder.yaml", ROOT_FOLDER,
                "a/_folder.yaml", "definition: {vcpu: 2}\n",
                "a/_folder.yml",
                    "definition: {hypervisors: {h: {type: sim, host: x, password: lit}}}\n"));
    assertEquals(1, loaded.errors().size(), loaded.errors().toString());
    assertTrue(
        loaded.errors().get(0).startsWith("a/_folder.yml:1:1: folder /a is described twice"));
  }

  @Test
  void aBadFileNameIsReportedWithTheFileErrors() {
    Loaded loaded = load(files("_folder.yaml", ROOT_FOLDER, "bad name.yaml", "bogus: 1\n"));
    assertEquals(2, loaded.errors().size(), loaded.errors().toString());
    assertEquals(Set.of(), loaded.tree().rejected());
  }
}
