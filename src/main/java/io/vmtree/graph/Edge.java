package io.vmtree.graph;

import java.util.Objects;

/**
 * One edge of a {@link Dag}: {@code from} must finish before {@code to} starts.
 *
 * @param from the dependency
 * @param to the dependent
 */
public record Edge<V>(V from, V to) {

  public Edge {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
  }

  @Override
  public String toString() {
    return from + " -> " + to;
  }
}
