package io.vmtree.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtree.diag.Diagnostics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fast reader must read what it accepts exactly as the full YAML engine does, and refuse
 * everything else. Cells write a newline as {@code \n}.
 */
class SimpleYamlTest {
  private static final YamlReader ENGINE = new YamlReader();

  private static String text(String cell) {
    return cell.replace("\\n", "\n");
  }

  private static void assertSameAsEngine(String text) {
    YamlDocument simple =
        SimpleYaml.parse(text, "x.yaml").orElseThrow(() -> new AssertionError("refused: " + text));
    Diagnostics diagnostics = new Diagnostics();
    YamlDocument full =
        ENGINE
            .parseWithEngine(text, "x.yaml", diagnostics)
            .orElseThrow(() -> new AssertionError("the engine failed: " + diagnostics));
    assertEquals(full.root(), simple.root(), text);
    assertEquals(full.keys(), simple.keys(), text);
    assertEquals(full.values(), simple.values(), text);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "definition:\\n  vcpu: 2\\n",
        "# yaml-language-server: $schema=../x.json\\ndefinition:\\n  description: web1 in /a/b\\n",
        "definition:\\n  tags:\\n    serial: \"086222\"\\n    owner: 'team a'\\n",
        "definition:\\n  hypervisors:\\n    sim1: {type: sim, host: rack-1.bench, latency_ms: 0}\\n",
        "definition:\\n  prototypes:\\n    db: {base_image: rocky-9, vcpu: 4, memory: \"1536MiB\"}\\n",
        "depends_on: [/lab/db/pg1, /lab/db/pg2]\\ntarget: provisioned\\n",
        "depends_on:\\n  - /a/b\\n  - /a/c # why\\n",
        "depends_on:\\n- /a/b\\n- /a/c\\nlifecycle: {prevent_destroy: true}\\n",
        "a: {}\\nb: []\\nc: [ ]\\nd: { x: [1, [2, {y: z}]] }\\n",
        "n: [0, -7, +12, 012, 0o17, 0x1F, 1.5, -.5, 1., 1e3, +1.5E-3]\\n",
        "t: [true, True, TRUE, false, False, FALSE]\\nu: [~, null, Null, NULL]\\n",
        "s: [on, yes, 0o8, 0x, 1_000, web-1, -x, a.b, 2GiB]\\n",
        "url: http://host:8080/x?y=z#frag\\nhash: a#b\\nlist: a, b - c\\n",
        "k: v   # comment\\n\\n   \\n# another\\nk2:    spaced   \\n",
        "q: \"\"\\nr: ''\\ns: \"a # not a comment\"\\n",
        "a/b: 1\\nc.d: 2\\ne-f: 3\\n_g: 4\\n",
        "a:\\n  b:\\n    c:\\n      d: [e]\\n  f: g\\nh: i\\n",
        "vms:\\n  web1: {definition: {use_prototype: small}}\\n  web2: {}\\n",
        "moved:\\n  - {from: old-name, to: /prod/new-name}\\n",
        "definition:\\n  power: off\\n  memory: 4096\\n  vcpu: 0x2\\n"
      })
  void readsTheSubsetAsTheEngineDoes(String cell) {
    assertSameAsEngine(text(cell));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "# only a comment\\n",
        "a: café\\n",
        "a: &x 1\\nb: *x\\n",
        "a: !!str 1\\n",
        "a: |\\n  text\\n",
        "a: >\\n  text\\n",
        "a: plain\\n  continued\\n",
        "a: \"esc\\\\t\"\\n",
        "a: 'it''s'\\n",
        "a: \"open\\n  close\"\\n",
        "a:\\n",
        "a: 1\\na: 2\\n",
        "a: {b: 1, b: 2}\\n",
        "a: [1, 2,]\\n",
        "a: {b:1}\\n",
        "a: b: c\\n",
        "a: [b: c]\\n",
        "- a\\n- b\\n",
        "plain\\n",
        "  a: 1\\n",
        "---\\na: 1\\n",
        "a: 1\\n---\\nb: 2\\n",
        "\"a\": 1\\n",
        "a : 1\\n",
        "a: .inf\\n",
        "a: 1" + "0000000000000000000000000000000000000000000000000000000000\\n",
        "a: x]\\n",
        "a:\\n  - b: c\\n",
        "a:\\n  -\\n    b\\n",
        "a: \"x\"#c\\n",
        "a:\\n    b: 1\\n  c: 2\\n",
        "a: [1, 2\\n"
      })
  void refusesEverythingElse(String cell) {
    assertEquals(Optional.empty(), SimpleYaml.parse(text(cell), "x.yaml"), cell);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a: 1\n\tb: 2\n", "a: 1\r\nb: 2\r\n", "a: x\u0007\n", "\uFEFFa: 1\n"})
  void refusesTabsCarriageReturnsAndControlCharacters(String text) {
    assertEquals(Optional.empty(), SimpleYaml.parse(text, "x.yaml"));
  }

  @Test
  void readsEveryExampleFileAsTheEngineDoes() throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(Path.of("examples"))) {
      files = walk.filter(p -> p.toString().endsWith(".yaml")).toList();
    }
    assertTrue(files.size() > 5);
    int simple = 0;
    for (Path file : files) {
      String text = Files.readString(file);
      if (SimpleYaml.parse(text, "x.yaml").isPresent()) {
        assertSameAsEngine(text);
        simple++;
      }
    }
    assertTrue(simple > files.size() / 2, "the examples are mostly plain YAML: " + simple);
  }
}
