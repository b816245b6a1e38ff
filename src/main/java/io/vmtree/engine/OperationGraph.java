package io.vmtree.engine;

import io.vmtree.apply.ApplyGraph;
import io.vmtree.graph.Dag;
import io.vmtree.plan.Change;
import io.vmtree.plan.PlanResult;
import io.vmtree.state.StateSnapshot;
import java.util.List;

/**
 * What {@code vmtree graph} shows: the graph apply would run for a plan, built by the same {@link
 * ApplyGraph#forApply} apply uses, and the blocked updates apply would journal as skipped without
 * running them.
 *
 * @param planned the plan and its diagnostics; when they hold errors there is no graph
 * @param graph the operations and their order, empty when the plan has errors
 * @param blocked updates that need a reboot {@code lifecycle.allow_reboot} does not allow
 */
public record OperationGraph(PlanResult planned, Dag<Change> graph, List<Change> blocked) {
  public OperationGraph {
    blocked = List.copyOf(blocked);
  }

  /** {@return the graph of {@code planned}, made against {@code snapshot}} */
  static OperationGraph of(PlanResult planned, StateSnapshot snapshot) {
    if (planned.diagnostics().hasErrors()) {
      return new OperationGraph(planned, Dag.<Change>builder().build(), List.of());
    }
    List<Change> blocked = planned.plan().changes().stream().filter(Change::blocked).toList();
    return new OperationGraph(planned, ApplyGraph.forApply(planned.plan(), snapshot), blocked);
  }
}
