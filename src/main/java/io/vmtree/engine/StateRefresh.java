package io.vmtree.engine;

import io.vmtree.apply.Hypervisors;
import io.vmtree.diag.Diagnostics;
import io.vmtree.plan.Observation;
import io.vmtree.state.DescriptorState;
import io.vmtree.state.StateBackend;
import io.vmtree.state.StateSnapshot;
import io.vmtree.tree.TreePath;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * Refreshes every hypervisor once and records the lifecycle transitions it sees, as apply does
 * before it plans, without planning anything: a VM gone makes its descriptor {@code provisioned}, a
 * hypervisor that does not answer makes its descriptors {@code unreachable}. Runs under the lock;
 * operations a killed process left unfinished are resolved first.
 */
final class StateRefresh {
  private StateRefresh() {}

  /**
   * {@return what changed}; only descriptors under one of {@code scope} are recorded (every one
   * when the scope is empty)
   *
   * @throws EngineException when a hypervisor refuses to be refreshed (e.g. a secret that cannot be
   *     resolved)
   */
  static RefreshRun run(
      StateBackend state, Hypervisors hypervisors, Set<TreePath> scope, Clock clock, long start) {
    StateSnapshot snapshot = state.read();
    int recovered = 0;
    Diagnostics problems = new Diagnostics();
    if (Recovery.needed(snapshot, state)) {
      recovered =
          Recovery.resolve(
              snapshot, state, Refresh.observe(hypervisors, hypervisors.names(), problems), clock);
      snapshot = state.read();
    }
    Map<String, Observation> observed = Refresh.observe(hypervisors, hypervisors.names(), problems);
    if (problems.hasErrors()) {
      throw new EngineException("cannot refresh", problems);
    }
    StateSnapshot scoped = inScope(snapshot, scope);
    Map<TreePath, String> changed = new TreeMap<>();
    if (SeenOnRefresh.record(scoped, observed, state) > 0) {
      NavigableMap<TreePath, DescriptorState> after = state.read().descriptors();
      scoped
          .descriptors()
          .forEach(
              (path, before) -> {
                DescriptorState now = after.get(path);
                if (now != null && now.status() != before.status()) {
                  changed.put(path, now.status().label());
                }
              });
    }
    Map<String, String> unreachable = new TreeMap<>();
    observed.forEach(
        (name, observation) -> {
          if (observation instanceof Observation.Unreachable down) {
            unreachable.put(name, down.message());
          }
        });
    return new RefreshRun(
        changed,
        unreachable,
        recovered,
        hypervisors.calls(),
        Duration.ofNanos(System.nanoTime() - start));
  }

  private static StateSnapshot inScope(StateSnapshot snapshot, Set<TreePath> scope) {
    if (scope.isEmpty()) {
      return snapshot;
    }
    Map<TreePath, DescriptorState> kept = new TreeMap<>();
    snapshot
        .descriptors()
        .forEach(
            (path, d) -> {
              if (scope.stream().anyMatch(s -> s.contains(path))) {
                kept.put(path, d);
              }
            });
    return new StateSnapshot(
        snapshot.lineage(), snapshot.serial(), new TreeMap<>(kept), snapshot.folders());
  }
}
