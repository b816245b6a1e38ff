package io.vmtree.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.vmtree.engine.EngineScenario;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The CI examples of {@code examples/ci/} (docs/ci.md) are real: the GitHub workflow is valid
 * against the GitHub workflow schema, both files post the reports vmtree writes, and every {@code
 * vmtree} command line in them is run through the real CLI on a sim tree and accepted.
 */
class CiExamplesTest {
  private static final Path GITHUB = Path.of("examples/ci/github-actions.yml");
  private static final Path GITLAB = Path.of("examples/ci/.gitlab-ci.yml");
  private static final YAMLMapper YAML = YAMLMapper.builder().build();

  @TempDir Path dir;

  @Test
  void theGithubWorkflowIsValidAgainstTheWorkflowSchema() throws IOException {
    JsonNode workflow = YAML.readTree(Files.readString(GITHUB));
    Schema schema;
    try (InputStream in = getClass().getResourceAsStream("/schemas/github-workflow.json")) {
      schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7).getSchema(in);
    }

    List<Error> errors = schema.validate(workflow);

    assertEquals(List.of(), errors.stream().map(Error::toString).toList());
    JsonNode broken = YAML.readTree("on: push\njobs: {x: {runs-on: linux, stepz: []}}\n");
    assertFalse(schema.validate(broken).isEmpty(), "the schema is a real oracle");
  }

  @Test
  void theGithubWorkflowUploadsTheReportsDriftWrites() throws IOException {
    JsonNode drift = YAML.readTree(Files.readString(GITHUB)).get("jobs").get("drift");
    List<String> command = commands(runs(drift.get("steps"))).get(0);
    String sarif = outputOf(command, "sarif");
    String junit = outputOf(command, "junit");

    List<String> uploaded = new ArrayList<>();
    for (JsonNode step : drift.get("steps")) {
      if (step.has("uses") && step.get("uses").asString().startsWith("github/codeql-action")) {
        uploaded.add("sarif " + step.get("with").get("sarif_file").asString());
      }
      if (step.has("uses") && step.get("uses").asString().startsWith("mikepenz/")) {
        uploaded.add("junit " + step.get("with").get("report_paths").asString());
      }
    }

    assertEquals(List.of("junit " + junit, "sarif " + sarif), uploaded);
    assertEquals("write", drift.get("permissions").get("security-events").asString());
  }

  @Test
  void theGitlabPipelineReportsTheJunitFileDriftWrites() throws IOException {
    JsonNode pipeline = YAML.readTree(Files.readString(GITLAB));
    JsonNode drift = pipeline.get("drift");
    List<String> command = commands(scripts(drift.get("script"))).get(0);

    assertEquals(
        outputOf(command, "junit"), drift.get("artifacts").get("reports").get("junit").asString());
    assertEquals("always", drift.get("artifacts").get("when").asString());
    List<String> stages = new ArrayList<>();
    pipeline.get("stages").forEach(s -> stages.add(s.asString()));
    for (String job : List.of("validate", "plan", "apply", "drift")) {
      assertTrue(stages.contains(pipeline.get(job).get("stage").asString()), job);
    }
  }

  @Test
  void everyVmtreeCommandOfTheExamplesRunsOnASimTree() throws IOException {
    EngineScenario s =
        new EngineScenario(dir)
            .write(
                "_folder.yaml",
                EngineScenario.rootFolder("latency_ms: 0"),
                "app/web1.yaml",
                "definition: {}\n");
    List<List<String>> all = new ArrayList<>();
    JsonNode github = YAML.readTree(Files.readString(GITHUB));
    github.get("jobs").forEach(job -> all.addAll(commands(runs(job.get("steps")))));
    JsonNode gitlab = YAML.readTree(Files.readString(GITLAB));
    for (String job : List.of("validate", "plan", "apply", "drift")) {
      all.addAll(commands(scripts(gitlab.get(job).get("script"))));
    }
    assertEquals(8, all.size(), all::toString);

    for (List<String> command : all) {
      List<String> args = new ArrayList<>();
      for (String arg : command.subList(1, command.size())) {
        args.add(
            arg.replace("$TREE", s.tree().toString())
                .replace("$VMTREE_STATE", s.state().toString())
                .replaceFirst("^reports/", dir.resolve("reports") + "/"));
      }
      CliRun run = CliRun.of(args.toArray(String[]::new));
      assertNotEquals(1, run.exitCode(), () -> String.join(" ", command) + "\n" + run.all());
    }

    for (String report : List.of("drift.xml", "drift.sarif", "drift.md")) {
      assertTrue(Files.isRegularFile(dir.resolve("reports").resolve(report)), report);
    }
    assertFalse(s.stateDescriptors().isEmpty(), "the apply of the examples ran");
  }

  /** {@return the file after {@code --output} that follows {@code --format format}} */
  private static String outputOf(List<String> command, String format) {
    int at = command.indexOf(format);
    assertEquals("--format", command.get(at - 1), command::toString);
    assertEquals("--output", command.get(at + 1), command::toString);
    return command.get(at + 2);
  }

  private static List<String> runs(JsonNode steps) {
    List<String> scripts = new ArrayList<>();
    steps.forEach(
        step -> {
          if (step.has("run")) {
            scripts.add(step.get("run").asString());
          }
        });
    return scripts;
  }

  private static List<String> scripts(JsonNode script) {
    List<String> scripts = new ArrayList<>();
    script.forEach(line -> scripts.add(line.asString()));
    return scripts;
  }

  /**
   * {@return every {@code vmtree} command line of the shell scripts, as words: continuation lines
   * joined, quotes removed, cut before a redirection or {@code ||}}
   */
  static List<List<String>> commands(List<String> scripts) {
    List<List<String>> commands = new ArrayList<>();
    for (String script : scripts) {
      for (String line : script.replace("\\\n", " ").split("\n")) {
        List<String> words = words(line.trim());
        if (words.isEmpty() || !words.get(0).equals("vmtree")) {
          continue;
        }
        int end = words.size();
        for (int i = 0; i < words.size(); i++) {
          if (List.of(">", "||", "|", "&&", ";").contains(words.get(i))) {
            end = i;
            break;
          }
        }
        commands.add(List.copyOf(words.subList(0, end)));
      }
    }
    return commands;
  }

  /** Splits a shell line into words, removing double quotes (no expansion). */
  private static List<String> words(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    for (char c : line.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
        any = true;
      } else if (Character.isWhitespace(c) && !quoted) {
        if (any) {
          words.add(word.toString());
          word.setLength(0);
          any = false;
        }
      } else {
        word.append(c);
        any = true;
      }
    }
    if (any) {
      words.add(word.toString());
    }
    return words;
  }
}
