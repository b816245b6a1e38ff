package io.vmtree.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Feeds {@code validate} many malformed files — truncated YAML, wrong types everywhere, deep
 * nesting, huge values, binary bytes — and checks the contract for bad input: exit 1, every line a
 * {@code file:line:col: message}, and nothing escaping as an exception.
 */
class MalformedInputTest {
  private static final Pattern DIAGNOSTIC =
      Pattern.compile("^web1\\.yaml:\\d+:\\d+: (warning: )?\\S.*$|^\\d+ errors?$");

  private static final String VALID =
      """
      definition:
        use_prototype: small
        vcpu: 4
        memory: 8GiB
        power: on
        tags: {role: web, tier: "1"}
        description: "front end"
      target: deployed
      depends_on: [/db1]
      lifecycle: {prevent_destroy: true, keep_disks: false, ignore_changes: [vcpu]}
      """;

  private static final String ROOT =
      """
      definition:
        hypervisors: {sim1: {type: sim}}
        use_hypervisor: sim1
        prototypes: {small: {base_image: debian-12, vcpu: 1, memory: 1GiB}}
        use_prototype: small
      """;

  @TempDir Path dir;

  static Stream<Arguments> malformed() {
    List<Arguments> cases = new ArrayList<>();
    byte[] valid = VALID.getBytes(StandardCharsets.UTF_8);
    for (int cut = 1; cut < valid.length; cut += 7) {
      cases.add(Arguments.of("truncated at byte " + cut, java.util.Arrays.copyOf(valid, cut)));
    }
    String[] wrongValues = {"[]", "{}", "\"x\"", "-1", "1.5", "true", "!!binary AAAA", "&a *a"};
    String[] keys = {"use_prototype", "vcpu", "memory", "power", "tags", "description"};
    for (String key : keys) {
      for (String value : wrongValues) {
        String text = VALID.replaceFirst("(?m)^  " + key + ":.*$", "  " + key + ": " + value);
        cases.add(Arguments.of(key + " set to " + value, bytes(text)));
      }
    }
    cases.add(Arguments.of("deep nesting", bytes("definition: " + "[".repeat(5000))));
    cases.add(
        Arguments.of(
            "deep block nesting",
            bytes(
                "definition:\n"
                    + String.join(
                        "\n",
                        java.util.stream.IntStream.range(1, 300)
                            .mapToObj(i -> " ".repeat(i * 2) + "k" + i + ":")
                            .toList())
                    + " 1\n")));
    cases.add(
        Arguments.of("huge string", bytes("definition:\n  description: " + "x".repeat(2_000_000))));
    cases.add(Arguments.of("huge number", bytes("definition:\n  vcpu: " + "9".repeat(5000))));
    cases.add(Arguments.of("huge key", bytes("definition:\n  " + "k".repeat(100_000) + ": 1")));
    cases.add(Arguments.of("NUL bytes", new byte[] {'a', ':', ' ', 0, 0, '\n'}));
    cases.add(Arguments.of("not UTF-8", new byte[] {'a', ':', ' ', (byte) 0xC3, (byte) 0x28}));
    cases.add(Arguments.of("a tab for indentation", bytes("definition:\n\tvcpu: 2\n")));
    cases.add(Arguments.of("a bare scalar", bytes("just text\n")));
    cases.add(Arguments.of("a list at the top", bytes("- 1\n- 2\n")));
    cases.add(Arguments.of("two documents", bytes("a: 1\n---\nb: 2\n")));
    cases.add(Arguments.of("an unknown tag", bytes("definition: !custom {vcpu: 2}\n")));
    cases.add(Arguments.of("an undefined alias", bytes("definition: *nowhere\n")));
    cases.add(Arguments.of("alias bomb", bytes(aliasBomb())));
    Random random = new Random(42);
    for (int i = 0; i < 60; i++) {
      byte[] mutated = valid.clone();
      for (int flips = 0; flips < 1 + random.nextInt(4); flips++) {
        mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
      }
      cases.add(Arguments.of("random bytes, seed 42 #" + i, mutated));
    }
    return cases.stream();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String aliasBomb() {
    StringBuilder out = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 12; i++) {
      out.append("a").append(i).append(": &a").append(i).append(" [");
      out.append(String.join(", ", java.util.Collections.nCopies(10, "*a" + (i - 1))));
      out.append("]\n");
    }
    return out.toString();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void badInputIsADiagnosticNeverACrash(String reason, byte[] content) throws IOException {
    Path root = Files.createDirectories(dir.resolve("tree"));
    Files.writeString(root.resolve("_folder.yaml"), ROOT);
    Files.writeString(root.resolve("db1.yaml"), "{}\n");
    Files.write(root.resolve("web1.yaml"), content);

    CliRun run = CliRun.of("validate", root.toString());

    assertFalse(run.all().contains("internal error"), reason + "\n" + run.all());
    assertFalse(run.all().contains("Exception"), reason + "\n" + run.all());
    if (run.exitCode() == 0) {
      return; // some truncations and flips still leave a valid file
    }
    assertEquals(1, run.exitCode(), reason);
    assertTrue(run.err().length() < 10_000, reason + ": the report stays readable");
    for (String line : run.err().split("\n")) {
      assertTrue(DIAGNOSTIC.matcher(line).matches(), reason + ": not a diagnostic: " + line);
    }
  }
}
