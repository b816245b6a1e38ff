package io.vmtree.engine;

import io.vmtree.apply.Hypervisors;
import io.vmtree.config.DescriptorConfig;
import io.vmtree.config.DesiredTree;
import io.vmtree.config.FolderConfig;
import io.vmtree.definition.Valued;
import io.vmtree.diag.Diagnostics;
import io.vmtree.diag.Origin;
import io.vmtree.plan.Observation;
import io.vmtree.plan.Plan;
import io.vmtree.plan.PlanOptions;
import io.vmtree.plan.Planner;
import io.vmtree.state.DescriptorState;
import io.vmtree.state.StateSnapshot;
import io.vmtree.tree.TreePath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code vmtree drift}: one bulk list per hypervisor, then the state compared with what they
 * answered (SPEC §4, §11). The comparison is the planner's own, so {@code drift} and the {@code
 * drift} array of {@code plan} are the same objects; the changes the planner also computes are not
 * reported. Read-only: it writes no state and takes no lock.
 */
final class DriftRun {
  private DriftRun() {}

  /** {@return the drift of every descriptor of {@code snapshot}, and of every hypervisor} */
  static DriftReport run(
      Validation validation,
      StateSnapshot snapshot,
      Supplier<StateSnapshot> readAgain,
      Hypervisors hypervisors,
      long startNanos) {
    DesiredTree tree = validation.tree().orElseThrow();
    validation.computed().values().forEach(c -> hypervisors.register(c.values()));
    Engine.registerState(hypervisors, snapshot);
    Diagnostics diagnostics = new Diagnostics();
    Map<String, Observation> observed =
        Refresh.observe(hypervisors, hypervisors.names(), diagnostics);
    // the planner's own problems (prevent_destroy, --replace) are about changes, not drift
    Plan plan =
        Planner.plan(tree, validation.computed(), snapshot, observed, PlanOptions.ALL).plan();
    InFlight.Confirmed confirmed = InFlight.confirm(plan.drift(), plan.transitions(), readAgain);
    return new DriftReport(
        tree.root(),
        checked(tree, snapshot),
        hypervisorChecks(tree, hypervisors, observed),
        confirmed.drift(),
        confirmed.transitions(),
        diagnostics,
        hypervisors.calls(),
        Duration.ofNanos(System.nanoTime() - startNanos));
  }

  private static List<DriftReport.Checked> checked(DesiredTree tree, StateSnapshot snapshot) {
    List<DriftReport.Checked> checked = new ArrayList<>();
    for (DescriptorState d : snapshot.descriptors().values()) {
      Origin file = tree.descriptor(d.fullName()).map(DescriptorConfig::origin).orElse(null);
      checked.add(
          new DriftReport.Checked(
              d.fullName().toString(), d.status(), d.hypervisor(), d.vmId(), file));
    }
    return checked;
  }

  private static List<DriftReport.HypervisorCheck> hypervisorChecks(
      DesiredTree tree, Hypervisors hypervisors, Map<String, Observation> observed) {
    List<DriftReport.HypervisorCheck> checks = new ArrayList<>();
    for (String name : new java.util.TreeSet<>(hypervisors.names())) {
      Origin declared = declaration(tree, name);
      Observation observation = observed.get(name);
      if (observation instanceof Observation.Listed listed) {
        checks.add(
            new DriftReport.HypervisorCheck(name, true, listed.vms().size(), null, declared));
      } else if (observation instanceof Observation.Unreachable down) {
        checks.add(new DriftReport.HypervisorCheck(name, false, 0, down.message(), declared));
      } else {
        checks.add(
            new DriftReport.HypervisorCheck(
                name, false, 0, "refused to connect (see the errors)", declared));
      }
    }
    return checks;
  }

  /** {@return where the entry of hypervisor {@code name} is first written, root first} */
  private static Origin declaration(DesiredTree tree, String name) {
    for (Map.Entry<TreePath, FolderConfig> folder : tree.folders().entrySet()) {
      Valued<?> entry = folder.getValue().definition().hypervisors().get(name);
      if (entry != null) {
        return entry.origin();
      }
    }
    return null;
  }
}
