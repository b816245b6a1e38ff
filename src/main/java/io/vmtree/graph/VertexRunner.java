package io.vmtree.graph;

/** The work done for one vertex of a {@link Walker} walk. */
@FunctionalInterface
public interface VertexRunner<V> {

  /**
   * {@return how the work for {@code vertex} ended}
   *
   * <p>Anything thrown, or a null result, ends the vertex as {@link Outcome.Failed}; the walk goes
   * on with the vertices that do not depend on it.
   */
  Outcome<V> run(V vertex) throws Exception;
}
