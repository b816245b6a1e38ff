package io.vmtree.it.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The packaged program as a user runs it: {@code java -jar target/vmtree.jar ...} in a separate
 * process, so {@code Main}, {@code System.exit}, encodings and terminal detection are real.
 */
class MainProcessIT {
  private static final Path JAR = Path.of("target/vmtree.jar");

  record Result(int exitCode, String out, String err) {}

  static Result vmtree(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("java", "-jar", JAR.toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("vmtree-out", ".txt");
    Path err = Files.createTempFile("vmtree-err", ".txt");
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "vmtree did not finish");
    return new Result(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void validatesTheBundledExample() throws Exception {
    Result result = vmtree("validate", "examples/lab");

    assertEquals(0, result.exitCode(), result.err());
    assertTrue(result.out().startsWith("Valid: examples/lab ("), result.out());
  }

  @Test
  void reportsTheBrokenExampleWithPositionsAndExitOne() throws Exception {
    Result result = vmtree("validate", "examples/broken");

    assertEquals(1, result.exitCode());
    assertEquals("", result.out());
    List<String> lines = result.err().lines().toList();
    assertTrue(lines.size() > 5, result.err());
    for (String line : lines.subList(0, lines.size() - 1)) {
      assertTrue(line.matches("^[^:]+\\.ya?ml:\\d+:\\d+: .+|^[^:]+/:\\d+:\\d+: .+"), line);
    }
    assertTrue(lines.get(lines.size() - 1).matches("\\d+ errors?"), result.err());
  }

  @Test
  void neverColorsOutputThatIsNotATerminal() throws Exception {
    Result result = vmtree("explain", "examples/lab", "/web/web1");

    assertEquals(0, result.exitCode(), result.err());
    assertFalse(result.out().contains("\u001b["), result.out());
    assertTrue(result.out().contains("vcpu"), result.out());
  }

  @Test
  void treeDrawsTheOutlineInUtf8() throws Exception {
    Result result = vmtree("tree", "examples/lab");

    assertEquals(0, result.exitCode(), result.err());
    assertTrue(result.out().contains("├── "), result.out());
  }

  @Test
  void printsItsVersion() throws Exception {
    Result result = vmtree("--version");

    assertEquals(0, result.exitCode());
    assertTrue(result.out().startsWith("vmtree "), result.out());
    assertFalse(result.out().contains("${"), result.out());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "validate", "tree", "explain"})
  void everyCommandHasHelp(String command) throws Exception {
    Result result = command.isEmpty() ? vmtree("--help") : vmtree(command, "--help");

    assertEquals(0, result.exitCode(), result.err());
    assertTrue(result.out().startsWith("Usage: vmtree"), result.out());
  }

  @Test
  void anUnknownFlagIsAUsageErrorWithExitOne() throws Exception {
    Result result = vmtree("validate", "--frobnicate", "examples/lab");

    assertEquals(1, result.exitCode());
    assertTrue(result.err().startsWith("error: Unknown option: '--frobnicate'"), result.err());
    assertTrue(result.err().contains("Usage: vmtree validate"), result.err());
  }

  @Test
  void noCommandIsAUsageError() throws Exception {
    Result result = vmtree();

    assertEquals(1, result.exitCode());
    assertTrue(result.err().contains("Usage: vmtree"), result.err());
  }
}
