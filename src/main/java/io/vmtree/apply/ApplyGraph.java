package io.vmtree.apply;

import io.vmtree.graph.Dag;
import io.vmtree.plan.Action;
import io.vmtree.plan.Change;
import io.vmtree.plan.Plan;
import io.vmtree.state.DescriptorState;
import io.vmtree.state.StateSnapshot;
import io.vmtree.tree.TreePath;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Turns a plan into the graph apply runs (ARCHITECTURE habit 6): folders before their content and
 * deleted after it; on one path, provision before deploy, move before update, undeploy before
 * deprovision; {@code depends_on} targets deployed before and undeployed after their dependents.
 */
public final class ApplyGraph {
  private ApplyGraph() {}

  /**
   * {@return the operation graph of {@code plan}'s changes}
   *
   * @param dependsOnInState the {@code depends_on} of each descriptor as last applied, which orders
   *     undeploys (the files of removed descriptors are gone)
   */
  public static Dag<Change> of(Plan plan, Map<TreePath, List<TreePath>> dependsOnInState) {
    List<Change> changes = plan.changes();
    Dag.Builder<Change> graph = Dag.builder();
    changes.forEach(graph::addVertex);
    Map<TreePath, List<Change>> byPath = new HashMap<>();
    for (Change change : changes) {
      byPath.computeIfAbsent(change.path(), p -> new ArrayList<>()).add(change);
      if (change.from() != null) {
        byPath.computeIfAbsent(change.from(), p -> new ArrayList<>()).add(change);
      }
    }
    for (Change change : changes) {
      switch (change.action()) {
        case CREATE_FOLDER ->
            before(graph, change, below(changes, change.path(), Action.DELETE_FOLDER));
        case DELETE_FOLDER ->
            after(graph, change, below(changes, change.path(), Action.CREATE_FOLDER));
        default -> samePath(graph, change, byPath.getOrDefault(change.path(), List.of()));
      }
      dependencies(graph, change, byPath);
    }
    List<Change> undeploys = changes.stream().filter(c -> c.action() == Action.UNDEPLOY).toList();
    reverseDependencies(graph, undeploys, dependsOnInState);
    return graph.build();
  }

  /**
   * {@return the graph apply runs for {@code plan} against {@code snapshot}: blocked updates left
   * out (apply journals them as skipped without running them), undeploys ordered by the {@code
   * depends_on} the state recorded}
   */
  public static Dag<Change> forApply(Plan plan, StateSnapshot snapshot) {
    return of(
        new Plan(
            plan.lineage(),
            plan.serial(),
            plan.treeRoot(),
            plan.changes().stream().filter(c -> !c.blocked()).toList(),
            plan.drift()),
        dependsOnInState(snapshot));
  }

  /** {@return the {@code depends_on} of every descriptor of {@code snapshot}, as last applied} */
  public static Map<TreePath, List<TreePath>> dependsOnInState(StateSnapshot snapshot) {
    Map<TreePath, List<TreePath>> map = new HashMap<>();
    for (DescriptorState d : snapshot.descriptors().values()) {
      map.put(d.fullName(), d.dependsOn());
    }
    return map;
  }

  private static List<Change> below(List<Change> changes, TreePath folder, Action except) {
    Predicate<Change> inside =
        c ->
            !c.path().equals(folder)
                && (folder.contains(c.path()) || (c.from() != null && folder.contains(c.from())));
    return changes.stream().filter(inside).filter(c -> c.action() != except).toList();
  }

  private static void before(Dag.Builder<Change> graph, Change first, List<Change> then) {
    then.forEach(next -> graph.addEdge(first, next));
  }

  private static void after(Dag.Builder<Change> graph, Change last, List<Change> first) {
    first.forEach(earlier -> graph.addEdge(earlier, last));
  }

  /** Changes of one path run in the order of their lifecycle. */
  private static void samePath(Dag.Builder<Change> graph, Change change, List<Change> same) {
    for (Change other : same) {
      if (other != change && order(other.action()) < order(change.action())) {
        graph.addEdge(other, change);
      }
    }
  }

  private static int order(Action action) {
    return switch (action) {
      case PROVISION -> 0;
      case MOVE -> 1;
      case UNDEPLOY -> 2;
      case DEPLOY, REPLACE -> 3;
      case UPDATE -> 4;
      case DEPROVISION -> 5;
      default -> 6;
    };
  }

  /** Deploy after what it depends on; undeploy before what it depends on. */
  private static void dependencies(
      Dag.Builder<Change> graph, Change change, Map<TreePath, List<Change>> byPath) {
    List<TreePath> dependsOn = change.desired() != null ? change.desired().dependsOn() : List.of();
    boolean creates =
        change.action() == Action.DEPLOY
            || change.action() == Action.REPLACE
            || change.action() == Action.UPDATE
            || change.action() == Action.MOVE;
    if (creates) {
      for (TreePath dependency : dependsOn) {
        for (Change other : byPath.getOrDefault(dependency, List.of())) {
          if (other.action() == Action.DEPLOY
              || other.action() == Action.REPLACE
              || other.action() == Action.PROVISION) {
            graph.addEdge(other, change);
          }
        }
      }
    }
  }

  /** Undeploys of dependents run before undeploys of what they depend on (SPEC §2). */
  private static void reverseDependencies(
      Dag.Builder<Change> graph, List<Change> undeploys, Map<TreePath, List<TreePath>> dependsOn) {
    Map<TreePath, Change> byPath = new HashMap<>();
    undeploys.forEach(c -> byPath.put(c.path(), c));
    for (Change dependent : undeploys) {
      for (TreePath dependency : dependsOn.getOrDefault(dependent.path(), List.of())) {
        Change target = byPath.get(dependency);
        if (target != null) {
          graph.addEdge(dependent, target);
        }
      }
    }
  }
}
