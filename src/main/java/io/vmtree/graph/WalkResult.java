package io.vmtree.graph;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How every vertex of a walk ended.
 *
 * @param outcomes the outcome of every vertex, in the order the vertices were added to the graph
 * @param cancelled true when a stop request (or an interrupt) left vertices unstarted; they are
 *     skipped with the message {@value Walker#CANCELLED}
 */
public record WalkResult<V>(Map<V, Outcome<V>> outcomes, boolean cancelled) {

  public WalkResult {
    outcomes = Collections.unmodifiableMap(new LinkedHashMap<>(outcomes));
  }

  /** {@return how {@code vertex} ended} */
  public Outcome<V> outcome(V vertex) {
    Outcome<V> outcome = outcomes.get(Objects.requireNonNull(vertex, "vertex"));
    if (outcome == null) {
      throw new IllegalArgumentException("unknown vertex: " + vertex);
    }
    return outcome;
  }

  /** {@return the vertices that succeeded, in the order added} */
  public List<V> succeeded() {
    return with(Outcome.Status.SUCCEEDED);
  }

  /** {@return the vertices that failed, in the order added} */
  public List<V> failed() {
    return with(Outcome.Status.FAILED);
  }

  /** {@return the vertices that were skipped, in the order added} */
  public List<V> skipped() {
    return with(Outcome.Status.SKIPPED);
  }

  /** {@return true when every vertex succeeded} */
  public boolean isSuccess() {
    return outcomes.values().stream().allMatch(Outcome::isSuccess);
  }

  private List<V> with(Outcome.Status status) {
    return outcomes.entrySet().stream()
        .filter(e -> e.getValue().status() == status)
        .map(Map.Entry::getKey)
        .toList();
  }
}
