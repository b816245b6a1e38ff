package io.vmtree.cli;

import static io.vmtree.testing.TreeFixture.ROOT_FOLDER;
import static io.vmtree.testing.TreeFixture.files;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vmtree.testing.TreeFixture;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code vmtree validate} through the real command line: one case per error of SPEC §2–3 that is
 * not a schema error (those are in SchemaValidatorTest), with the exact output.
 */
class ValidateCommandTest {
  @TempDir Path dir;

  static Stream<Arguments> invalidTrees() {
    return Stream.of(
        Arguments.of(
            "a descriptor both inline and as a file",
            files(
                "_folder.yaml", ROOT_FOLDER,
                "web/_folder.yaml", "vms:\n  web1: {}\n",
                "web/web1.yaml", "definition: {vcpu: 4}\n"),
            "web/web1.yaml:1:1: descriptor /web/web1 is defined twice (also at web/_folder.yaml:2:3;"
                + " a descriptor is written once, inline or as a file)"),
        Arguments.of(
            "a folder and a descriptor sharing a name",
            files("_folder.yaml", ROOT_FOLDER, "web/", "", "web.yaml", "{}\n"),
            "web.yaml:1:1: descriptor /web has the same name as a folder (folder web/; a folder"
                + " and a descriptor may not share a name)"),
        Arguments.of(
            "an inline descriptor sharing a folder's name",
            files("_folder.yaml", ROOT_FOLDER + "vms:\n  db: {}\n", "db/", ""),
            "_folder.yaml:9:3: descriptor /db has the same name as a folder (folder db/; a folder"
                + " and a descriptor may not share a name)"),
        Arguments.of(
            "the same descriptor as .yaml and .yml",
            files("_folder.yaml", ROOT_FOLDER, "web1.yaml", "{}\n", "web1.yml", "{}\n"),
            "web1.yml:1:1: descriptor /web1 is defined twice (also at web1.yaml:1:1; a descriptor"
                + " is written once, inline or as a file)"),
        Arguments.of(
            "a YAML syntax error",
            files("_folder.yaml", ROOT_FOLDER, "web1.yaml", "definition:\n  vcpu: [2\n"),
            "web1.yaml:2:11: invalid YAML: expected ',' or ']', but got <stream end> (while"
                + " parsing a flow sequence)"),
        Arguments.of(
            "a bad directory name",
            files("_folder.yaml", ROOT_FOLDER, "bad dir/web1.yaml", "{}\n"),
            "bad dir/:1:1: invalid name \"bad dir\": names are 1 to 63 letters, digits, '.', '_'"
                + " or '-', starting with a letter or digit"),
        Arguments.of(
            "a bad file name",
            files("_folder.yaml", ROOT_FOLDER, "web@1.yaml", "{}\n"),
            "web@1.yaml:1:1: invalid name \"web@1\": names are 1 to 63 letters, digits, '.', '_'"
                + " or '-', starting with a letter or digit (the file name is the descriptor name)"),
        Arguments.of(
            "depends_on an unknown descriptor",
            files("_folder.yaml", ROOT_FOLDER, "web1.yaml", "depends_on: [/db/pg9]\n"),
            "web1.yaml:1:14: depends_on: unknown descriptor /db/pg9"),
        Arguments.of(
            "a depends_on cycle",
            files(
                "_folder.yaml", ROOT_FOLDER,
                "a.yaml", "depends_on: [/b]\n",
                "b.yaml", "depends_on: [/a]\n"),
            "b.yaml:1:14: depends_on: dependency cycle /a -> /b -> /a"),
        Arguments.of(
            "a relative depends_on",
            files("_folder.yaml", ROOT_FOLDER, "a.yaml", "depends_on: [b]\n", "b.yaml", "{}\n"),
            "a.yaml:1:14: invalid path \"b\" (an absolute path of names, such as /lab/db/pg1)"),
        Arguments.of(
            "a moved entry to nowhere",
            files("_folder.yaml", ROOT_FOLDER + "moved:\n  - {from: old, to: new}\n"),
            "_folder.yaml:9:6: moved: /new does not exist in the tree"),
        Arguments.of(
            "a moved entry whose source still exists",
            files(
                "_folder.yaml", ROOT_FOLDER + "moved:\n  - {from: a, to: b}\n",
                "a.yaml", "{}\n",
                "b.yaml", "{}\n"),
            "_folder.yaml:9:6: moved: /a still exists in the tree (from names the old path,"
                + " which must be gone)"),
        Arguments.of(
            "a deployed descriptor lacking a base image",
            files(
                "_folder.yaml",
                "definition:\n  hypervisors: {sim1: {type: sim}}\n  use_hypervisor: sim1\n",
                "web1.yaml",
                "definition: {vcpu: 1, memory: 512}\n"),
            "web1.yaml:1:1: /web1 is to be deployed but has no base_image (set it, or"
                + " use_prototype, in the descriptor or a folder above)"),
        Arguments.of(
            "a tab used for indentation, reported where the tab is",
            files("_folder.yaml", ROOT_FOLDER, "web1.yaml", "definition:\n\tvcpu: 2\n"),
            "web1.yaml:2:1: invalid YAML: found character '\\t(TAB)' that cannot start any"
                + " token. (Do not use \\t(TAB) for indentation) (while scanning for the next"
                + " token)"),
        Arguments.of(
            "a memory size too large",
            files(
                "_folder.yaml",
                ROOT_FOLDER,
                "web1.yaml",
                "definition: {memory: 999999999999TiB}\n"),
            "web1.yaml:1:14: memory: memory size \"999999999999TiB\" is too large"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidTrees")
  void reportsTheErrorAtItsPosition(String reason, Map<String, String> files, String expected) {
    Path root = TreeFixture.write(dir.resolve("tree"), files);

    CliRun run = CliRun.of("validate", root.toString());

    assertEquals(1, run.exitCode(), reason + "\n" + run.all());
    assertEquals(expected + "\n1 error\n", run.err(), reason);
    assertEquals("", run.out(), reason);
  }

  @Test
  void reportsEveryErrorAtOnceSortedByFileAndLine() {
    Path root =
        TreeFixture.write(
            dir.resolve("tree"),
            files(
                "_folder.yaml", ROOT_FOLDER,
                "b.yaml", "depends_on: [/zz]\n",
                "a.yaml", "definition:\n  use_prototype: huge\ndepends_on: [/yy]\n"));

    CliRun run = CliRun.of("validate", root.toString());

    assertEquals(1, run.exitCode());
    assertEquals(
        """
        a.yaml:2:3: unknown prototype "huge" in use_prototype (known prototypes: small (_folder.yaml:6))
        a.yaml:3:14: depends_on: unknown descriptor /yy
        b.yaml:1:14: depends_on: unknown descriptor /zz
        3 errors
        """,
        run.err());
  }

  @Test
  void aValidTreeSaysSoAndExitsZero() {
    Path root =
        TreeFixture.write(
            dir.resolve("tree"),
            files("_folder.yaml", ROOT_FOLDER, "web/web1.yaml", "{}\n", "web/.hidden.yaml", ":"));

    CliRun run = CliRun.of("validate", root.toString());

    assertEquals(0, run.exitCode(), run.all());
    assertEquals("Valid: " + root + " (1 descriptor in 2 folders)\n", run.out());
    assertEquals("", run.err());
  }

  @Test
  void aLiteralPasswordIsAWarningNotAnError() {
    Path root =
        TreeFixture.write(
            dir.resolve("tree"),
            files(
                "_folder.yaml",
                ROOT_FOLDER.replace("host: lab-sim-1}", "host: lab-sim-1, password: hunter2}"),
                "web1.yaml",
                "{}\n"));

    CliRun run = CliRun.of("validate", root.toString());

    assertEquals(0, run.exitCode(), run.all());
    assertEquals(
        "_folder.yaml:3:40: warning: hypervisor \"sim1\" has a literal password; prefer"
            + " ${env:NAME} or ${file:PATH} (it is still never stored or shown)\n",
        run.err());
  }

  @Test
  void aMissingTreeRootIsAnErrorWithoutAStackTrace() {
    CliRun run = CliRun.of("validate", dir.resolve("nope").toString());

    assertEquals(1, run.exitCode());
    assertEquals("tree root " + dir.resolve("nope") + " does not exist\n1 error\n", run.err());
  }

  @Test
  void aUsageErrorExitsOneWithTheUsage() {
    CliRun run = CliRun.of("validate");

    assertEquals(1, run.exitCode());
    org.junit.jupiter.api.Assertions.assertTrue(
        run.err().startsWith("error: Missing required parameter: 'TREE'\n"), run.err());
    org.junit.jupiter.api.Assertions.assertTrue(run.err().contains("Usage: vmtree validate"));
  }
}
