package io.vmtree.graph;

import java.util.List;

/**
 * Work done for a vertex before it starts, while it waits for a slot ({@link Walker#withPreparer}):
 * what must be finished before its real work begins, done while other vertices run, so that it is
 * no longer in the way when the vertex's turn comes.
 *
 * <p>The walk hands over the waiting vertices that will start after the next {@code parallelism}
 * ones and before the {@code parallelism} after those (ready vertices start lowest index first):
 * the next ones would only wait for a preparation begun moments before their start, the handed ones
 * have a whole turn of every slot to be prepared in. Nothing is handed before a turn of every slot
 * has ended: while the first vertices start, the processors are what they wait for, and work done
 * ahead would only delay the work due now. Tasks of the walk's pool, as many at once as there are
 * processors, prepare what was handed in the order handed, in batches of what arrived since their
 * last call.
 *
 * <p>A vertex may start before, while or after it is prepared, or never (when the walk is stopped):
 * the preparer and the runner agree between themselves which of them does what. The walk returns
 * only once no preparation runs.
 */
@FunctionalInterface
public interface Preparer<V> {

  /**
   * Prepares {@code vertices}, in order: a batch of those handed over since the last call. Must not
   * throw: what it throws is dropped, and the runner must be able to do whatever was not prepared.
   */
  void prepare(List<V> vertices);
}
