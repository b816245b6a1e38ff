package io.vmtree.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DagTest {

  /** Builds a graph from {@code "a b c"} (vertices in order) and {@code "a>b b>c"} (edges). */
  static Dag<String> graph(String vertices, String edges) {
    Dag.Builder<String> builder = Dag.builder();
    words(vertices).forEach(builder::addVertex);
    for (String edge : words(edges)) {
      String[] ends = edge.split(">");
      builder.addEdge(ends[0], ends[1]);
    }
    return builder.build();
  }

  static List<String> words(String text) {
    return text == null || text.isBlank() ? List.of() : Arrays.asList(text.trim().split("\\s+"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      textBlock =
          """
          no edges keeps the order added               | c b a     | -               | c b a
          a chain runs against the order added         | c b a     | a>b b>c         | a b c
          a diamond puts the join last                 | a b c d   | a>b a>c b>d c>d | a b c d
          ties go to the vertex added first            | x a y b   | a>b             | x a y b
          a later root comes before a waiting vertex   | b a c     | a>b             | a b c
          vertices named only by edges are added       | -         | q>p             | q p
          a repeated edge counts once                  | a b       | a>b a>b         | a b
          """)
  void topologicalOrderIsStable(String reason, String vertices, String edges, String expected) {
    assertEquals(words(expected), graph(vertices, edges).topologicalOrder());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      textBlock =
          """
          a vertex on itself                  | a       | a>a             | cycle: a -> a
          two vertices                        | a b     | a>b b>a         | cycle: a -> b -> a
          three, named from the first added   | a b c   | b>c c>a a>b     | cycle: a -> b -> c -> a
          a cycle downstream of a free vertex | r a b   | r>a a>b b>a     | cycle: a -> b -> a
          a cycle upstream of a waiting one   | z a b   | a>b b>a b>z     | cycle: a -> b -> a
          the cycle among two, not the tail   | a b c d | a>b b>c c>b c>d | cycle: b -> c -> b
          """)
  void buildNamesACycle(String reason, String vertices, String edges, String message) {
    CycleException e = assertThrows(CycleException.class, () -> graph(vertices, edges));
    assertEquals(message, e.getMessage());
    assertTrue(e instanceof IllegalArgumentException);
  }

  @Test
  void cycleListsItsVerticesInEdgeOrder() {
    CycleException e = assertThrows(CycleException.class, () -> graph("a b c", "a>b b>c c>a"));
    assertEquals(List.of("a", "b", "c"), e.cycle());
  }

  @Test
  void dependenciesAndDependentsAreDirectAndInTheOrderAdded() {
    Dag<String> dag = graph("d c b a", "a>d b>d c>d a>b");
    assertEquals(List.of("c", "b", "a"), List.copyOf(dag.dependencies("d")));
    assertEquals(List.of("d", "b"), List.copyOf(dag.dependents("a")));
    assertEquals(Set.of(), dag.dependencies("a"));
    assertEquals(List.of("d", "c", "b", "a"), dag.vertices());
    assertEquals(4, dag.size());
    assertTrue(dag.contains("a"));
    assertFalse(dag.contains("z"));
  }

  @Test
  void edgesAreOrderedByTheirEnds() {
    Dag<String> dag = graph("a b c", "b>c a>c a>b");
    assertEquals(
        List.of(new Edge<>("a", "b"), new Edge<>("a", "c"), new Edge<>("b", "c")), dag.edges());
    assertEquals("a -> b", dag.edges().get(0).toString());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      textBlock =
          """
          a root alone                            | a   | a
          a chain back to its start               | d   | a b d
          a diamond join needs both arms          | e   | a b c e
          two targets share what they need        | d c | a b c d
          nothing from the other branch           | y   | x y
          """)
  void transitiveDependenciesCloseOverWhatMustRunFirst(
      String reason, String targets, String expected) {
    Dag<String> dag = graph("a b c d e x y", "a>b b>d a>c b>e c>e x>y");
    assertEquals(
        words(expected), List.copyOf(dag.transitiveDependencies(Set.copyOf(words(targets)))));
  }

  @Test
  void transitiveDependentsCloseOverWhatWaits() {
    Dag<String> dag = graph("a b c d e x y", "a>b b>d a>c b>e c>e x>y");
    assertEquals(List.of("b", "d", "e"), List.copyOf(dag.transitiveDependents(Set.of("b"))));
  }

  @Test
  void subgraphKeepsTheEdgesAmongTheKeptVertices() {
    Dag<String> dag = graph("a b c d", "a>b b>c a>d");
    Dag<String> sub = dag.subgraph(dag.transitiveDependencies(Set.of("c")));
    assertEquals(List.of("a", "b", "c"), sub.vertices());
    assertEquals(List.of(new Edge<>("a", "b"), new Edge<>("b", "c")), sub.edges());
    assertEquals(List.of("a", "c"), dag.subgraph(Set.of("c", "a")).vertices());
    assertEquals(List.of(), dag.subgraph(Set.of("c", "a")).edges());
  }

  @Test
  void unknownAndNullVerticesAreRejected() {
    Dag<String> dag = graph("a", null);
    assertThrows(IllegalArgumentException.class, () -> dag.dependencies("z"));
    assertThrows(IllegalArgumentException.class, () -> dag.transitiveDependencies(Set.of("z")));
    assertThrows(IllegalArgumentException.class, () -> dag.subgraph(Set.of("z")));
    assertThrows(NullPointerException.class, () -> Dag.<String>builder().addVertex(null));
    assertThrows(NullPointerException.class, () -> Dag.<String>builder().addEdge("a", null));
  }

  @Test
  void theGraphDoesNotChangeWithItsBuilder() {
    Dag.Builder<String> builder = Dag.<String>builder().addEdge("a", "b");
    Dag<String> first = builder.build();
    builder.addEdge("b", "c");
    assertEquals(List.of("a", "b"), first.vertices());
    assertEquals(List.of("a", "b", "c"), builder.build().vertices());
    assertThrows(UnsupportedOperationException.class, () -> first.vertices().add("z"));
  }

  @Test
  @Timeout(30)
  void aChainOfAHundredThousandNeedsNoRecursion() {
    int n = 100_000;
    Dag.Builder<Integer> builder = Dag.builder();
    for (int i = n - 1; i > 0; i--) {
      builder.addEdge(i - 1, i);
    }
    Dag<Integer> dag = builder.build();
    assertEquals(IntStream.range(0, n).boxed().toList(), dag.topologicalOrder());
    assertEquals(n, dag.transitiveDependencies(Set.of(n - 1)).size());
    assertEquals(n, dag.transitiveDependents(Set.of(0)).size());
    assertEquals(n - 1, dag.subgraph(dag.transitiveDependencies(Set.of(n - 2))).size());

    builder.addEdge(n - 1, 0);
    CycleException e = assertThrows(CycleException.class, builder::build);
    assertEquals(n, e.cycle().size());
    assertTrue(e.getMessage().startsWith("cycle: 99998 -> 99999 -> 0 -> 1 -> "));
  }

  @Test
  @Timeout(30)
  void aWideGraphOfAHundredThousandOrdersByInsertion() {
    int n = 100_000;
    Dag.Builder<Integer> builder = Dag.builder();
    List<Integer> expected = new ArrayList<>();
    for (int i = 1; i < n - 1; i++) {
      builder.addEdge(0, i).addEdge(i, n - 1);
      expected.add(i);
    }
    Dag<Integer> dag = builder.build();
    expected.add(0, 0);
    expected.add(n - 1);
    assertEquals(expected, dag.topologicalOrder());
    assertEquals(n - 2, dag.dependencies(n - 1).size());
    assertEquals(n, dag.transitiveDependencies(Set.of(n - 1)).size());
  }

  /** {@code "a+b c ; a+b>c"}: the chains, members joined by {@code +}, then their edges. */
  private static String chains(Dag<List<String>> dag) {
    StringBuilder text = new StringBuilder();
    for (List<String> chain : dag.vertices()) {
      text.append(text.length() == 0 ? "" : " ").append(String.join("+", chain));
    }
    text.append(" ;");
    for (Edge<List<String>> edge : dag.edges()) {
      text.append(' ').append(String.join("+", edge.from())).append('>');
      text.append(String.join("+", edge.to()));
    }
    return text.toString();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      textBlock =
          """
          a single edge joins                          | a b         | a>b             | a+b ;
          a path joins whole                           | a b c       | a>b b>c         | a+b+c ;
          an edge implied through the first joins      | f p d       | f>p f>d p>d     | f p+d ; f>p+d
          a vertex with two dependents starts no chain | a b c       | a>b a>c         | a b c ; a>b a>c
          a join of two branches is no chain           | a b c       | a>c b>c         | a b c ; a>c b>c
          an edge from elsewhere keeps them apart      | x a b       | a>b x>b         | x a b ; x>b a>b
          a chain may start below a fork               | a b c d     | a>b b>c c>d a>c | a b+c+d ; a>b+c+d
          chains are ordered by their first members    | c d a b     | a>b c>d         | c+d a+b ;
          """)
  void chainsJoinWhatRunsInTurn(String reason, String vertices, String edges, String expected) {
    Dag<String> graph = graph(vertices, edges);
    assertEquals(expected.trim(), chains(graph.chains((from, to) -> true)).trim());
  }

  @Test
  void chainsJoinOnlyWhatThePredicateAccepts() {
    Dag<String> graph = graph("p1 d1 p2 d2 x", "p1>d1 p2>d2 d2>x");
    assertEquals(
        "p1+d1 p2+d2 x ; p2+d2>x",
        chains(graph.chains((from, to) -> from.startsWith("p") && to.startsWith("d"))));
  }

  @Test
  void chainsOfAChainGraphRunInOrderOnOneWalk() {
    Dag<List<String>> chained = graph("f p d", "f>p f>d p>d").chains((from, to) -> true);
    assertEquals(List.of(List.of("f"), List.of("p", "d")), chained.topologicalOrder());
    assertTrue(chained.contains(List.of("p", "d")));
    assertEquals(Set.of(List.of("f")), chained.dependencies(List.of("p", "d")));
  }
}
