package io.vmtree.graph;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown by {@link Dag.Builder#build()} when the edges form a cycle. */
public final class CycleException extends IllegalArgumentException {
  private final transient List<?> cycle;

  CycleException(List<?> cycle) {
    super(
        "cycle: "
            + cycle.stream().map(String::valueOf).collect(Collectors.joining(" -> "))
            + " -> "
            + cycle.get(0));
    this.cycle = List.copyOf(cycle);
  }

  /**
   * {@return the vertices of one cycle in edge order, starting with the earliest added; the last
   * has an edge back to the first}
   */
  public List<?> cycle() {
    return cycle;
  }
}
