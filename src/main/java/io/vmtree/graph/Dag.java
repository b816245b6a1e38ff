package io.vmtree.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * An immutable directed acyclic graph. An edge {@code from -> to} means {@code from} must finish
 * before {@code to} starts. Vertices are compared with {@code equals}, kept in the order they were
 * added, and every listing below follows that order. Queries run in time linear in the graph and
 * never recurse, so graphs of hundreds of thousands of vertices are fine.
 */
public final class Dag<V> {
  private final List<V> vertices;
  // null until asked for when the graph was not built from a builder (see #chains)
  private volatile Map<V, Integer> index;
  private final int[][] successors;
  private final int[][] predecessors;
  private final int[] topological;

  private Dag(List<V> vertices, Map<V, Integer> index, int[][] successors) {
    this.vertices = vertices;
    this.index = index;
    this.successors = successors;
    this.predecessors = invert(successors);
    this.topological = Toposort.order(successors, predecessors);
    if (topological.length < vertices.size()) {
      throw new CycleException(
          Arrays.stream(Toposort.cycle(predecessors, topological))
              .mapToObj(vertices::get)
              .toList());
    }
  }

  /** {@return a builder for an empty graph} */
  public static <V> Builder<V> builder() {
    return new Builder<>();
  }

  /** {@return every vertex, in the order added} */
  public List<V> vertices() {
    return vertices;
  }

  /** {@return how many vertices there are} */
  public int size() {
    return vertices.size();
  }

  /** {@return true when {@code vertex} is in the graph} */
  public boolean contains(V vertex) {
    return index().containsKey(vertex);
  }

  /** {@return the vertices {@code vertex} has an edge from: what must finish before it starts} */
  public Set<V> dependencies(V vertex) {
    return toSet(predecessors[indexOf(vertex)]);
  }

  /** {@return the vertices {@code vertex} has an edge to: what waits for it} */
  public Set<V> dependents(V vertex) {
    return toSet(successors[indexOf(vertex)]);
  }

  /** {@return every edge, ordered by its {@code from} and then its {@code to} vertex} */
  public List<Edge<V>> edges() {
    List<Edge<V>> edges = new ArrayList<>();
    for (int from = 0; from < successors.length; from++) {
      for (int to : successors[from]) {
        edges.add(new Edge<>(vertices.get(from), vertices.get(to)));
      }
    }
    return Collections.unmodifiableList(edges);
  }

  /**
   * {@return every vertex after all of its dependencies; among vertices whose dependencies are all
   * placed, the one added first comes first}
   */
  public List<V> topologicalOrder() {
    return Arrays.stream(topological).mapToObj(vertices::get).toList();
  }

  /**
   * {@return {@code roots} and every vertex they depend on, directly or not, in the order added:
   * what must run for {@code roots} to run, as for {@code --target}}
   *
   * @throws IllegalArgumentException when a root is not in the graph
   */
  public Set<V> transitiveDependencies(Set<V> roots) {
    return reachable(roots, predecessors);
  }

  /**
   * {@return {@code roots} and every vertex that depends on them, directly or not, in the order
   * added}
   *
   * @throws IllegalArgumentException when a root is not in the graph
   */
  public Set<V> transitiveDependents(Set<V> roots) {
    return reachable(roots, successors);
  }

  /**
   * {@return the graph of the vertices in {@code keep} and the edges between them; an edge through
   * a dropped vertex is dropped too, so keep a closed set such as {@link #transitiveDependencies}}
   *
   * @throws IllegalArgumentException when a vertex to keep is not in the graph
   */
  public Dag<V> subgraph(Set<V> keep) {
    boolean[] kept = mark(keep);
    int[] renumbered = new int[vertices.size()];
    List<V> keptVertices = new ArrayList<>();
    Map<V, Integer> keptIndex = new HashMap<>();
    for (int i = 0; i < vertices.size(); i++) {
      if (kept[i]) {
        renumbered[i] = keptVertices.size();
        keptIndex.put(vertices.get(i), keptVertices.size());
        keptVertices.add(vertices.get(i));
      }
    }
    int[][] keptSuccessors = new int[keptVertices.size()][];
    for (int i = 0; i < vertices.size(); i++) {
      if (kept[i]) {
        keptSuccessors[renumbered[i]] =
            Arrays.stream(successors[i]).filter(to -> kept[to]).map(to -> renumbered[to]).toArray();
      }
    }
    return new Dag<>(List.copyOf(keptVertices), keptIndex, keptSuccessors);
  }

  /**
   * {@return this graph with every chain merged into one vertex, the list of its members in order}
   *
   * <p>A chain follows edges {@code from -> to} where that edge is the only one out of {@code
   * from}, every other edge into {@code to} comes from a direct dependency of {@code from} (so it
   * holds anyway: a folder before a VM's provision and its deploy), and {@code joinable} accepts
   * the pair: its members can only run one after the other, so running them as one vertex loses no
   * parallelism and saves a trip through the walker between them. Chains are ordered by their first
   * members; a vertex that joins nothing is a chain of one.
   */
  public Dag<List<V>> chains(BiPredicate<? super V, ? super V> joinable) {
    int n = vertices.size();
    int[] next = new int[n];
    Arrays.fill(next, -1);
    boolean[] joined = new boolean[n];
    for (int from = 0; from < n; from++) {
      if (successors[from].length == 1) {
        int to = successors[from][0];
        if (impliedThrough(from, to) && joinable.test(vertices.get(from), vertices.get(to))) {
          next[from] = to;
          joined[to] = true;
        }
      }
    }
    int[] chainOf = new int[n];
    int[] lastMember = new int[n];
    List<List<V>> chains = new ArrayList<>();
    for (int head = 0; head < n; head++) {
      if (!joined[head]) {
        List<V> members = new ArrayList<>();
        for (int v = head; v >= 0; v = next[v]) {
          chainOf[v] = chains.size();
          lastMember[chains.size()] = v;
          members.add(vertices.get(v));
        }
        chains.add(List.copyOf(members));
      }
    }
    int[][] chainSuccessors = new int[chains.size()][];
    for (int c = 0; c < chains.size(); c++) {
      // only a chain's last member has edges out of it: the others have just the one to the next
      int[] out = successors[lastMember[c]];
      int[] targets = new int[out.length];
      for (int k = 0; k < out.length; k++) {
        targets[k] = chainOf[out[k]];
      }
      chainSuccessors[c] = Builder.sortedDistinct(targets);
    }
    // no index yet: hashing every chain would hash every member's whole value again, and the
    // walker, which needs none, runs right after
    return new Dag<>(List.copyOf(chains), null, chainSuccessors);
  }

  /**
   * {@return true when every other edge into {@code to} comes from a dependency of {@code from}}
   */
  private boolean impliedThrough(int from, int to) {
    for (int other : predecessors[to]) {
      if (other != from && Arrays.binarySearch(predecessors[from], other) < 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "Dag" + vertices + edges();
  }

  V vertex(int i) {
    return vertices.get(i);
  }

  int[] successorsOf(int i) {
    return successors[i];
  }

  int[] predecessorsOf(int i) {
    return predecessors[i];
  }

  private Map<V, Integer> index() {
    Map<V, Integer> known = index;
    if (known == null) {
      known = new HashMap<>();
      for (int i = 0; i < vertices.size(); i++) {
        known.put(vertices.get(i), i);
      }
      index = known;
    }
    return known;
  }

  private int indexOf(V vertex) {
    Integer i = index().get(Objects.requireNonNull(vertex, "vertex"));
    if (i == null) {
      throw new IllegalArgumentException("unknown vertex: " + vertex);
    }
    return i;
  }

  private boolean[] mark(Collection<V> chosen) {
    boolean[] marked = new boolean[vertices.size()];
    for (V vertex : chosen) {
      marked[indexOf(vertex)] = true;
    }
    return marked;
  }

  private Set<V> reachable(Set<V> roots, int[][] adjacency) {
    boolean[] seen = mark(roots);
    int[] stack = new int[vertices.size()];
    int top = 0;
    for (int i = 0; i < seen.length; i++) {
      if (seen[i]) {
        stack[top++] = i;
      }
    }
    while (top > 0) {
      for (int next : adjacency[stack[--top]]) {
        if (!seen[next]) {
          seen[next] = true;
          stack[top++] = next;
        }
      }
    }
    Set<V> result = new LinkedHashSet<>();
    for (int i = 0; i < seen.length; i++) {
      if (seen[i]) {
        result.add(vertices.get(i));
      }
    }
    return Collections.unmodifiableSet(result);
  }

  private Set<V> toSet(int[] indices) {
    Set<V> result = new LinkedHashSet<>();
    for (int i : indices) {
      result.add(vertices.get(i));
    }
    return Collections.unmodifiableSet(result);
  }

  private static int[][] invert(int[][] successors) {
    int[] counts = new int[successors.length];
    for (int[] targets : successors) {
      for (int to : targets) {
        counts[to]++;
      }
    }
    int[][] predecessors = new int[successors.length][];
    for (int i = 0; i < successors.length; i++) {
      predecessors[i] = new int[counts[i]];
      counts[i] = 0;
    }
    for (int from = 0; from < successors.length; from++) {
      for (int to : successors[from]) {
        predecessors[to][counts[to]++] = from;
      }
    }
    return predecessors;
  }

  /** Collects vertices and edges; not thread-safe, and may build any number of graphs. */
  public static final class Builder<V> {
    private final Map<V, Integer> index = new HashMap<>();
    private final List<V> vertices = new ArrayList<>();
    private int[] froms = new int[16];
    private int[] tos = new int[16];
    private int edges;

    private Builder() {}

    /** {@return this builder, with {@code vertex} added unless it already was} */
    public Builder<V> addVertex(V vertex) {
      indexOf(vertex);
      return this;
    }

    /**
     * {@return this builder, with the edge {@code from -> to} ({@code from} must finish before
     * {@code to} starts), adding either vertex that is missing; a repeated edge counts once}
     */
    public Builder<V> addEdge(V from, V to) {
      int f = indexOf(from);
      int t = indexOf(to);
      if (edges == froms.length) {
        froms = Arrays.copyOf(froms, edges * 2);
        tos = Arrays.copyOf(tos, edges * 2);
      }
      froms[edges] = f;
      tos[edges] = t;
      edges++;
      return this;
    }

    /**
     * {@return the graph built so far}
     *
     * @throws CycleException when the edges form a cycle, naming one as {@code a -> b -> a}
     */
    public Dag<V> build() {
      int[][] successors = new int[vertices.size()][];
      int[] counts = new int[vertices.size()];
      for (int e = 0; e < edges; e++) {
        counts[froms[e]]++;
      }
      for (int i = 0; i < successors.length; i++) {
        successors[i] = new int[counts[i]];
        counts[i] = 0;
      }
      for (int e = 0; e < edges; e++) {
        successors[froms[e]][counts[froms[e]]++] = tos[e];
      }
      for (int i = 0; i < successors.length; i++) {
        successors[i] = sortedDistinct(successors[i]);
      }
      return new Dag<>(List.copyOf(vertices), new HashMap<>(index), successors);
    }

    private int indexOf(V vertex) {
      Objects.requireNonNull(vertex, "vertex");
      Integer i = index.putIfAbsent(vertex, vertices.size());
      if (i == null) {
        vertices.add(vertex);
        return vertices.size() - 1;
      }
      return i;
    }

    private static int[] sortedDistinct(int[] values) {
      Arrays.sort(values);
      int distinct = 0;
      for (int k = 0; k < values.length; k++) {
        if (k == 0 || values[k] != values[k - 1]) {
          values[distinct++] = values[k];
        }
      }
      return distinct == values.length ? values : Arrays.copyOf(values, distinct);
    }
  }
}
