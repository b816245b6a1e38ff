package io.vmtree.plan;

import io.vmtree.state.DescriptorState;
import io.vmtree.state.StateSnapshot;
import io.vmtree.tree.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The lifecycle transitions a refresh implies (SPEC §1), as a function of the state and what each
 * hypervisor answered: a VM gone makes its descriptor {@code provisioned}; a hypervisor that does
 * not answer makes its descriptors {@code unreachable}, and {@code deployed} again once it answers.
 * Descriptors with an interrupted operation are left to recovery.
 */
public final class RefreshTransitions {
  private RefreshTransitions() {}

  /** {@return the transitions, in path order} */
  public static List<Transition> of(StateSnapshot state, Map<String, Observation> observed) {
    List<Transition> transitions = new ArrayList<>();
    for (DescriptorState d : state.descriptors().values()) {
      if (d.status() == Status.PROVISIONED || d.pending() != null || d.hypervisor() == null) {
        continue;
      }
      String path = d.fullName().toString();
      Observation observation = observed.get(d.hypervisor());
      if (observation instanceof Observation.Unreachable down) {
        if (d.status() == Status.DEPLOYED) {
          transitions.add(
              new Transition(
                  path,
                  Status.DEPLOYED,
                  Status.UNREACHABLE,
                  "hypervisor " + d.hypervisor() + " is unreachable: " + down.message()));
        }
      } else if (observation instanceof Observation.Listed listed) {
        if (listed.byId(d.vmId()).isEmpty()) {
          transitions.add(
              new Transition(
                  path,
                  d.status(),
                  Status.PROVISIONED,
                  "VM " + d.vmId() + " is missing on " + d.hypervisor()));
        } else if (d.status() == Status.UNREACHABLE) {
          transitions.add(
              new Transition(
                  path,
                  Status.UNREACHABLE,
                  Status.DEPLOYED,
                  "hypervisor " + d.hypervisor() + " answers again"));
        }
      }
    }
    return transitions;
  }
}
