package io.vmtree.engine;

import io.vmtree.diag.Diagnostics;
import io.vmtree.diag.Origin;
import io.vmtree.plan.Drift;
import io.vmtree.plan.DriftKind;
import io.vmtree.plan.Transition;
import io.vmtree.tree.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code vmtree drift} found: every descriptor of the state checked against its hypervisor,
 * every hypervisor listed once, the drift (SPEC §4, the same objects {@code plan} reports) and the
 * lifecycle transitions refresh saw. Renderers turn it into text, JSON, JUnit, Markdown or SARIF.
 *
 * @param treeRoot the tree's directory, which every {@link Origin} is relative to
 * @param descriptors every descriptor of the state, in path order
 * @param hypervisors every hypervisor refreshed, by name
 * @param drift descriptors first (path order, as planned), then VMs on the hypervisors
 * @param diagnostics problems that made the report incomplete (a hypervisor that refused)
 * @param calls hypervisor calls made, by hypervisor
 * @param took how long the whole run took
 */
public record DriftReport(
    Path treeRoot,
    List<Checked> descriptors,
    List<HypervisorCheck> hypervisors,
    List<Drift> drift,
    List<Transition> transitions,
    Diagnostics diagnostics,
    Map<String, Long> calls,
    Duration took) {
  public DriftReport {
    Objects.requireNonNull(treeRoot, "treeRoot");
    descriptors = List.copyOf(descriptors);
    hypervisors = List.copyOf(hypervisors);
    drift = List.copyOf(drift);
    transitions = List.copyOf(transitions);
    calls = Map.copyOf(calls);
  }

  /**
   * One descriptor of the state as checked.
   *
   * @param status as recorded in the state (the transitions say what refresh saw)
   * @param file where the descriptor is written in the tree, or null when it left the tree
   */
  public record Checked(
      String fullName, Status status, String hypervisor, String vmId, Origin file) {}

  /**
   * One hypervisor as refreshed.
   *
   * @param vms how many VMs it listed; 0 when unreachable
   * @param message why it could not be reached, or null
   * @param declared where its entry is written in the tree, or null
   */
  public record HypervisorCheck(
      String name, boolean reachable, int vms, String message, Origin declared) {}

  /** {@return true when some drift should fail a CI job: anything but ignored fields} */
  public boolean found() {
    return drift.stream().anyMatch(Drift::counts);
  }

  /** {@return the drift of each descriptor that has some, by full name, in report order} */
  public Map<String, List<Drift>> driftByDescriptor() {
    Map<String, List<Drift>> by = new LinkedHashMap<>();
    for (Drift d : drift) {
      if (isDescriptorKind(d.kind())) {
        by.computeIfAbsent(d.fullName(), k -> new ArrayList<>()).add(d);
      }
    }
    return by;
  }

  /** {@return the unmanaged and orphaned VMs of each hypervisor that has some, by its name} */
  public Map<String, List<Drift>> strayVmsByHypervisor() {
    Map<String, List<Drift>> by = new LinkedHashMap<>();
    for (Drift d : drift) {
      if (!isDescriptorKind(d.kind())) {
        by.computeIfAbsent(d.hypervisor(), k -> new ArrayList<>()).add(d);
      }
    }
    return by;
  }

  /** {@return the descriptors checked, by full name} */
  public Map<String, Checked> descriptorsByName() {
    Map<String, Checked> by = new HashMap<>();
    descriptors.forEach(c -> by.put(c.fullName(), c));
    return by;
  }

  /** {@return the hypervisor checked as {@code name}, or null} */
  public HypervisorCheck hypervisor(String name) {
    return hypervisors.stream().filter(h -> h.name().equals(name)).findFirst().orElse(null);
  }

  /** {@return the calls made to all hypervisors together} */
  public long totalCalls() {
    return calls.values().stream().mapToLong(Long::longValue).sum();
  }

  /** {@return true for kinds about a descriptor of the state, false for VMs nobody declared} */
  public static boolean isDescriptorKind(DriftKind kind) {
    return kind != DriftKind.UNMANAGED && kind != DriftKind.ORPHANED;
  }
}
