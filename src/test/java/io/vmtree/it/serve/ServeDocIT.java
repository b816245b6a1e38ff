package io.vmtree.it.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the curl examples of docs/serve.md as written, in order: every {@code ```sh} block is part
 * of one bash script ({@code set -e}, so a command that fails fails the test; the examples of
 * successful calls use {@code --fail-with-body}), against {@code vmtree serve} on a copy of
 * examples/lab with the tokens file the page shows.
 */
class ServeDocIT {
  private static final Path DOC = Path.of("docs/serve.md");

  @TempDir Path dir;

  @Test
  void theCurlExamplesOfTheDocsWorkAsWritten() throws Exception {
    List<String> lines = Files.readAllLines(DOC, StandardCharsets.UTF_8);
    List<String> script = new ArrayList<>(List.of("set -euo pipefail"));
    String tokens = null;
    for (int i = 0; i < lines.size(); i++) {
      String fence = lines.get(i);
      if (!fence.equals("```sh") && !(fence.equals("```text") && tokens == null)) {
        continue;
      }
      StringBuilder block = new StringBuilder();
      int j = i + 1;
      for (; !lines.get(j).equals("```"); j++) {
        block.append(lines.get(j)).append('\n');
      }
      if (fence.equals("```sh")) {
        script.add(block.toString());
      } else {
        tokens = block.toString();
      }
      i = j;
    }
    assertTrue(script.size() > 15, "the curl examples were not found in " + DOC);
    assertTrue(tokens != null && tokens.contains("web-team"), "no tokens file in " + DOC);

    Path tree = dir.resolve("lab");
    copy(Path.of("examples/lab"), tree);
    Path tokensFile = dir.resolve("tokens.txt");
    Files.writeString(tokensFile, tokens);
    // `vmtree` in the examples is the jar under test, run in the directory that holds `state`
    Path bin = dir.resolve("bin");
    Files.createDirectories(bin);
    Path vmtree = bin.resolve("vmtree");
    Files.writeString(
        vmtree,
        "#!/bin/sh\nexec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar "
            + ServeProcess.JAR.toAbsolutePath()
            + " \"$@\"\n");
    vmtree.toFile().setExecutable(true);
    ServeProcess serve =
        ServeProcess.start(
            dir,
            tree,
            dir.resolve("state"),
            "--tokens",
            tokensFile.toString(),
            "--drift-interval",
            "5m");
    try {
      ProcessBuilder bash = new ProcessBuilder("bash", "-c", String.join("\n", script));
      bash.directory(dir.toFile());
      bash.environment().put("PATH", bin + ":" + System.getenv("PATH"));
      bash.environment().put("VMTREE", serve.url);
      bash.environment().put("TOKEN", "ops-secret-0f3a");
      bash.environment().put("WEB_TOKEN", "web-secret-77c1");
      bash.redirectErrorStream(true);
      Process run = bash.start();
      String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(run.waitFor(300, TimeUnit.SECONDS));
      // what the examples printed, to paste into the page when it changes
      Files.writeString(Path.of("target/ServeDocIT.out"), out);
      assertEquals(0, run.exitValue(), out + "\n--- service log:\n" + serve.log());
      assertTrue(out.contains("\"code\" : \"stale_plan\""), out);
      assertTrue(out.contains("{\"type\":\"stop\",\"status\":\"succeeded\""), out);
      assertTrue(out.contains("\"code\" : \"malformed_json\""), out);
      assertTrue(out.contains("\"full_name\" : \"sim1:by-hand\""), out);
      assertTrue(out.contains("vmtree_drift{kind=\"changed\"} 2"), out);
      assertTrue(serve.log().contains("drift every 5m"), serve.log());
      assertTrue(serve.log().contains(" web-team POST /v1/plan 202 "), serve.log());
    } finally {
      serve.stop();
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
