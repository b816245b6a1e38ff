package io.vmtree.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vmtree.engine.EngineScenario;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vmtree graph TREE}: the graph apply would run, through the real command line on the sim.
 * DOT output is rendered by the real Graphviz {@code dot} when it is on the PATH (Debian package
 * graphviz); Mermaid output is checked for the flowchart grammar it uses.
 */
class GraphCommandTest {
  private static final Pattern DOT_NODE =
      Pattern.compile("^  ([A-Za-z0-9_]+) \\[label=\"((?:[^\"\\\\]|\\\\.)*)\"(.*)\\];$");
  private static final Pattern DOT_EDGE =
      Pattern.compile("^  ([A-Za-z0-9_]+) -> ([A-Za-z0-9_]+);$");
  private static final Pattern MERMAID_NODE =
      Pattern.compile("^  ([A-Za-z0-9_]+)\\[\"([^\"]*)\"\\]$");
  private static final Pattern MERMAID_EDGE =
      Pattern.compile("^  ([A-Za-z0-9_]+) --> ([A-Za-z0-9_]+)$");

  @TempDir Path dir;
  EngineScenario s;

  @BeforeEach
  void tree() {
    s = new EngineScenario(dir);
    s.write(
        "_folder.yaml",
        EngineScenario.rootFolder("latency_ms: 0"),
        "lab/db/pg-1.yaml",
        "definition: {memory: 4GiB}\n",
        "lab/app.v2.yaml",
        "definition: {vcpu: 4}\ndepends_on: [/lab/db/pg-1]\n",
        "lab/web_1.yaml",
        "definition: {}\n");
  }

  /** A graph parsed from DOT or Mermaid: labels by node id in the order written, and edges. */
  record Graph(Map<String, String> labels, List<String[]> edges) {
    /** {@return the node id whose label starts with "ACTION\n" and contains "PATH"} */
    String node(String action, String path) {
      List<String> found =
          labels.entrySet().stream()
              .filter(e -> e.getValue().startsWith(action + "\n"))
              .filter(e -> e.getValue().lines().anyMatch(l -> l.endsWith(path)))
              .map(Map.Entry::getKey)
              .toList();
      assertEquals(1, found.size(), () -> action + " " + path + " in " + labels);
      return found.get(0);
    }

    boolean hasEdge(String from, String to) {
      return edges.stream().anyMatch(e -> e[0].equals(from) && e[1].equals(to));
    }

    /** {@return the "action path" of every node, as in plan --json} */
    Set<String> changes() {
      Set<String> changes = new HashSet<>();
      for (String label : labels.values()) {
        List<String> lines = label.lines().toList();
        String path = lines.get(1);
        changes.add(lines.get(0).replace(" (reboot)", "") + " " + path);
      }
      return changes;
    }
  }

  static Graph parseDot(String text) {
    List<String> lines = text.lines().toList();
    assertEquals("digraph vmtree {", lines.get(0), text);
    assertEquals("}", lines.get(lines.size() - 1), text);
    Map<String, String> labels = new LinkedHashMap<>();
    List<String[]> edges = new ArrayList<>();
    for (String line : lines.subList(1, lines.size() - 1)) {
      Matcher node = DOT_NODE.matcher(line);
      Matcher edge = DOT_EDGE.matcher(line);
      if (edge.matches()) {
        edges.add(new String[] {edge.group(1), edge.group(2)});
      } else if (node.matches() && !line.startsWith("  node ")) {
        String label = node.group(2).replace("\\n", "\n").replace("\\\"", "\"");
        assertEquals(null, labels.put(node.group(1), label), () -> "node id twice: " + line);
      } else {
        assertTrue(
            line.startsWith("  rankdir=") || line.startsWith("  node [") || line.startsWith("  //"),
            () -> "unexpected DOT line: " + line);
      }
    }
    return new Graph(labels, edges);
  }

  static Graph parseMermaid(String text) {
    List<String> lines = text.lines().toList();
    assertEquals("flowchart TD", lines.get(0), text);
    Map<String, String> labels = new LinkedHashMap<>();
    List<String[]> edges = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      Matcher node = MERMAID_NODE.matcher(line);
      Matcher edge = MERMAID_EDGE.matcher(line);
      if (node.matches()) {
        String label = node.group(2).replace("<br/>", "\n");
        assertEquals(null, labels.put(node.group(1), label), () -> "node id twice: " + line);
      } else if (edge.matches()) {
        edges.add(new String[] {edge.group(1), edge.group(2)});
      } else {
        assertTrue(
            line.startsWith("  %%")
                || line.startsWith("  classDef ")
                || line.startsWith("  class "),
            () -> "unexpected Mermaid line: " + line);
      }
    }
    return new Graph(labels, edges);
  }

  /** Every edge goes from a node written earlier to one written later: execution order. */
  static void assertInExecutionOrder(Graph graph) {
    List<String> order = new ArrayList<>(graph.labels().keySet());
    for (String[] edge : graph.edges()) {
      assertTrue(graph.labels().containsKey(edge[0]), () -> "edge from unknown " + edge[0]);
      assertTrue(graph.labels().containsKey(edge[1]), () -> "edge to unknown " + edge[1]);
      assertTrue(
          order.indexOf(edge[0]) < order.indexOf(edge[1]),
          () -> edge[0] + " -> " + edge[1] + " against the order " + order);
    }
  }

  @Test
  void dotShowsEveryPlannedChangeInTheOrderApplyRunsThem() {
    Graph graph = parseDot(s.ok("graph", "TREE").out());

    Set<String> planned = new HashSet<>(EngineScenario.actions(s.plan()));
    assertEquals(planned, graph.changes());
    assertInExecutionOrder(graph);
    String pg = "/lab/db/pg-1";
    assertTrue(graph.hasEdge(graph.node("provision", pg), graph.node("deploy", pg)));
    assertTrue(
        graph.hasEdge(graph.node("deploy", pg), graph.node("deploy", "/lab/app.v2")),
        "depends_on: pg-1 is deployed before app.v2");
    assertTrue(graph.hasEdge(graph.node("create_folder", "/lab/db"), graph.node("deploy", pg)));
    assertTrue(
        graph.hasEdge(graph.node("create_folder", "/lab"), graph.node("create_folder", "/lab/db")));
    assertFalse(
        graph.hasEdge(graph.node("deploy", "/lab/web_1"), graph.node("deploy", "/lab/app.v2")),
        "independent VMs are not ordered");
    assertTrue(graph.labels().get(graph.node("deploy", pg)).endsWith("\non sim1"));
  }

  @Test
  void dotRendersWithGraphviz() throws Exception {
    String dot = s.ok("graph", "TREE").out();
    Path binary = onPath("dot");
    assumeTrue(
        binary != null,
        "Graphviz 'dot' is not on the PATH (Debian package graphviz): the DOT output was checked"
            + " for structure only");

    Process process =
        new ProcessBuilder(binary.toString(), "-Tsvg").redirectErrorStream(false).start();
    process.getOutputStream().write(dot.getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().close();
    String svg = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "dot finished");

    assertEquals(0, process.exitValue(), () -> "dot -Tsvg failed: " + err + "\n" + dot);
    assertEquals("", err.strip(), "dot warned about the graph");
    assertTrue(svg.contains("<svg"), svg);
    Graph graph = parseDot(dot);
    assertEquals(graph.labels().size(), count(svg, "class=\"node\""), svg);
    assertEquals(graph.edges().size(), count(svg, "class=\"edge\""), svg);
    assertTrue(svg.contains("/lab/db/pg&#45;1"), "labels carry the paths: " + svg);
  }

  @Test
  void mermaidIsAFlowchartWithEscapedIdsAndTheSameGraph() {
    Graph mermaid = parseMermaid(s.ok("graph", "TREE", "--format", "mermaid").out());
    Graph dot = parseDot(s.ok("graph", "TREE", "--format", "dot").out());

    assertEquals(dot.changes(), mermaid.changes());
    assertEquals(dot.labels(), mermaid.labels());
    assertEquals(
        dot.edges().stream().map(e -> e[0] + ">" + e[1]).toList(),
        mermaid.edges().stream().map(e -> e[0] + ">" + e[1]).toList());
    assertInExecutionOrder(mermaid);
    for (String id : mermaid.labels().keySet()) {
      assertTrue(id.matches("[A-Za-z0-9_]+"), id);
    }
  }

  @Test
  void pathsThatDifferOnlyInPunctuationGetDistinctIds() {
    EngineScenario t = new EngineScenario(dir.resolve("punct"));
    t.write(
        "_folder.yaml",
        EngineScenario.rootFolder("latency_ms: 0"),
        "a-b.yaml",
        "definition: {}\n",
        "a_b.yaml",
        "definition: {}\n",
        "a.b.yaml",
        "definition: {}\n",
        "a_2db.yaml",
        "definition: {}\n");

    Graph graph = parseMermaid(t.ok("graph", "TREE", "--format", "mermaid").out());

    assertEquals(8, graph.labels().size(), graph.labels()::toString);
    for (String path : List.of("/a-b", "/a_b", "/a.b", "/a_2db")) {
      graph.node("deploy", path);
    }
  }

  @Test
  void targetReplaceAndRefreshFalseAreThoseOfPlan() {
    s.apply();
    s.write("lab/web_1.yaml", "definition: {vcpu: 3}\n");

    Graph all = parseDot(s.ok("graph", "TREE", "--replace", "/lab/db/pg-1").out());
    assertEquals(Set.of("update /lab/web_1", "replace /lab/db/pg-1"), all.changes());

    Graph targeted =
        parseDot(s.ok("graph", "TREE", "--target", "/lab/db", "--replace", "/lab/db/pg-1").out());
    assertEquals(Set.of("replace /lab/db/pg-1"), targeted.changes());

    s.write("lab/web_1.yaml", "definition: {}\n");
    s.ok("sim", "set", "sim1", "web_1", "vcpu=5");
    assertEquals(
        Set.of("update /lab/web_1"),
        parseDot(s.ok("graph", "TREE").out()).changes(),
        "refresh sees the VM's vcpu 5 where the tree says 2");
    assertEquals(
        Set.of(),
        parseDot(s.ok("graph", "TREE", "--refresh=false").out()).changes(),
        "without refresh the state's vcpu 2 is what the tree says");
  }

  @Test
  void applyRunsTheEdgesInTheirOrder() {
    Graph graph = parseDot(s.ok("graph", "TREE").out());

    s.apply();

    Map<String, Map<String, Object>> ops = new HashMap<>();
    for (Map<String, Object> op : s.ops()) {
      String key = op.get("type") + " " + ((List<?>) op.get("targets")).get(0);
      ops.put(key, op);
    }
    Map<String, String> changeOf = new HashMap<>();
    graph
        .labels()
        .forEach(
            (id, label) -> changeOf.put(id, String.join(" ", label.lines().limit(2).toList())));
    for (String[] edge : graph.edges()) {
      Map<String, Object> first = ops.get(changeOf.get(edge[0]));
      Map<String, Object> then = ops.get(changeOf.get(edge[1]));
      assertTrue(first != null && then != null, () -> "journaled: " + changeOf + " in " + ops);
      Instant finished = Instant.parse(first.get("finished").toString());
      Instant started = Instant.parse(then.get("started").toString());
      assertFalse(
          started.isBefore(finished),
          () -> changeOf.get(edge[1]) + " started before " + changeOf.get(edge[0]) + " finished");
    }
    assertEquals(graph.labels().size(), ops.size(), "one operation per node");
  }

  @Test
  void aBlockedUpdateIsShownApartAndNotRun() {
    s.apply();
    s.write("lab/web_1.yaml", "definition: {vcpu: 1}\n");

    String dot = s.ok("graph", "TREE").out();
    Graph graph = parseDot(dot);
    String node = graph.node("update (reboot)", "/lab/web_1");

    assertTrue(graph.labels().get(node).endsWith("blocked: not run"), graph.labels()::toString);
    assertTrue(dot.contains("style=\"rounded,dotted\""), dot);
    assertTrue(graph.edges().isEmpty());
    String mermaid = s.ok("graph", "TREE", "--format", "mermaid").out();
    assertTrue(mermaid.contains("  class " + node + " blocked"), mermaid);
  }

  @Test
  void nothingToDoIsAnEmptyGraph() throws IOException {
    s.apply();

    assertEquals(
        "digraph vmtree {\n"
            + "  rankdir=TB;\n"
            + "  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n"
            + "  // no changes: apply would do nothing\n"
            + "}\n",
        s.ok("graph", "TREE").out());
    assertEquals(
        "flowchart TD\n  %% no changes: apply would do nothing\n",
        s.ok("graph", "TREE", "--format", "mermaid").out());
  }

  @Test
  void graphIsReadOnly() throws IOException {
    s.ok("graph", "TREE");

    assertFalse(Files.exists(s.state().resolve("meta.json")), "no state written");
    assertFalse(Files.exists(s.state().resolve("lock.json")), "no lock left");
    assertFalse(Files.exists(s.state().resolve("journal.jsonl")), "nothing journaled");
  }

  @Test
  void errorsExitOne() {
    CliRun format = s.expect(1, "graph", "TREE", "--format", "png");
    assertTrue(format.err().contains("--format: unknown format \"png\""), format::all);

    s.write("lab/broken.yaml", "definition: {vcpu: many}\n");
    CliRun broken = s.expect(1, "graph", "TREE");
    assertTrue(broken.err().contains("lab/broken.yaml:1:"), broken::all);
    assertEquals("", broken.out());

    s.delete("lab/broken.yaml");
    s.apply();
    s.write("lab/web_1.yaml", "definition: {}\nlifecycle: {prevent_destroy: true}\n");
    s.apply();
    s.delete("lab/web_1.yaml");
    CliRun prevented = s.expect(1, "graph", "TREE");
    assertTrue(prevented.err().contains("prevent_destroy"), prevented::all);
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }

  private static Path onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String entry : path.split(File.pathSeparator)) {
      Path candidate = Path.of(entry, name);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
