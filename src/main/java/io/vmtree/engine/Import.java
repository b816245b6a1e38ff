package io.vmtree.engine;

import io.vmtree.apply.Hypervisors;
import io.vmtree.apply.Retry;
import io.vmtree.config.DescriptorConfig;
import io.vmtree.connector.ConnectorException;
import io.vmtree.connector.LiveVm;
import io.vmtree.definition.ComputedDefinition;
import io.vmtree.definition.MemorySize;
import io.vmtree.diag.Diagnostics;
import io.vmtree.ops.Operation;
import io.vmtree.state.DescriptorState;
import io.vmtree.state.LockInfo;
import io.vmtree.state.StateBackend;
import io.vmtree.state.StateSnapshot;
import io.vmtree.tree.Status;
import io.vmtree.tree.Target;
import io.vmtree.tree.TreePath;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code vmtree import TREE PATH VM_ID} (SPEC §9, §11): adopts a VM that already exists into a
 * descriptor of the tree, like Terraform's {@code import}. The VM is found with one bulk {@code
 * list} of the descriptor's hypervisor and never changed: the state records its {@code vm_id} and,
 * as {@code deployed_config}, what the VM reports (vcpu, memory, power, tags, description) over the
 * tree's computed definition — so the next plan shows exactly where the VM differs from the tree.
 *
 * <p>A descriptor the state does not know yet is provisioned first (its own operation, as apply
 * would); one that already has a VM is refused. So is a VM that another descriptor holds, or that
 * carries the marker of another path (vmtree created it for that path).
 */
final class Import {
  private final StateBackend state;
  private final Hypervisors hypervisors;
  private final Clock clock;

  Import(StateBackend state, Hypervisors hypervisors, Clock clock) {
    this.state = state;
    this.hypervisors = hypervisors;
    this.clock = clock;
  }

  ImportResult run(Validation validation, TreePath path, String vmId, LockInfo who) {
    DescriptorConfig descriptor =
        validation
            .tree()
            .orElseThrow()
            .descriptor(path)
            .orElseThrow(
                () ->
                    refused(
                        validation.tree().get().folders().containsKey(path)
                            ? path + " is a folder; import takes a descriptor"
                            : "no descriptor "
                                + path
                                + " in the tree; write its file first, then import the VM"
                                + " into it"));
    if (descriptor.target() != Target.DEPLOYED) {
      throw refused(
          "cannot import into "
              + path
              + ": its target is provisioned, so the next apply would undeploy the VM; set"
              + " target: deployed first");
    }
    ComputedDefinition computed = validation.computed().get(path);
    String hypervisor = computed.string("use_hypervisor").orElseThrow();
    // the raw values, as plan registers them: a literal password still connects (it is masked
    // only in what is stored and shown)
    hypervisors.register(computed.values());
    try (StateBackend.StateLock lock = state.lock(who)) {
      StateSnapshot snapshot = state.read();
      DescriptorState previous = snapshot.descriptors().get(path);
      checkImportable(path, previous);
      LiveVm vm = find(hypervisor, vmId);
      // by the hypervisor's own id: VM_ID may name the VM another way (a vSphere inventory path)
      checkUnclaimed(snapshot, path, hypervisor, vm.id());
      if (vm.marker() != null && !vm.marker().equals(path.toString())) {
        throw refused(
            "cannot import VM "
                + vmId
                + " into "
                + path
                + ": it carries the vmtree marker of "
                + vm.marker()
                + " (vmtree created it for that path); import it there, or clear its marker on"
                + " the hypervisor first");
      }
      List<Operation> operations = new ArrayList<>();
      if (previous == null) {
        operations.add(provision(descriptor));
        previous = state.read().descriptors().get(path);
      }
      DescriptorState provisioned = previous;
      Map<String, Object> config = deployedConfig(computed, vm);
      operations.add(
          StateOperation.run(
              state,
              clock,
              "import",
              List.of(path.toString()),
              running -> {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("vm_id", vm.id());
                result.put("hypervisor", hypervisor);
                state.put(
                    new DescriptorState(
                        path,
                        Status.DEPLOYED,
                        vm.id(),
                        hypervisor,
                        descriptor.definition().plain(),
                        config,
                        null,
                        StateOperation.last(running, clock, result),
                        descriptor.lifecycle(),
                        descriptor.dependsOn().stream().map(v -> v.value()).toList(),
                        null));
                // a VM vmtree did not create keeps its name: the marker is only ever set by a
                // create or a move (SPEC §9), which the plan shows
                return result;
              }));
      Optional<String> imageNote = imageNote(path, computed, vm);
      return new ImportResult(path, hypervisor, vm, operations, imageNote);
    }
  }

  private static void checkImportable(TreePath path, DescriptorState previous) {
    if (previous == null) {
      return;
    }
    if (previous.pending() != null) {
      throw refused(
          "cannot import into "
              + path
              + ": operation "
              + previous.pending().id()
              + " on it was interrupted; run apply first to resolve it");
    }
    if (previous.status() != Status.PROVISIONED) {
      throw refused(
          "cannot import into "
              + path
              + ": it is "
              + previous.status().label()
              + " with VM "
              + previous.vmId()
              + " on "
              + previous.hypervisor()
              + "; forget it first with vmtree state rm "
              + path
              + " (nothing is destroyed)");
    }
  }

  private static void checkUnclaimed(
      StateSnapshot snapshot, TreePath path, String hypervisor, String vmId) {
    for (DescriptorState other : snapshot.descriptors().values()) {
      if (!other.fullName().equals(path)
          && vmId.equals(other.vmId())
          && hypervisor.equals(other.hypervisor())) {
        throw refused(
            "cannot import VM "
                + vmId
                + " into "
                + path
                + ": "
                + other.fullName()
                + " already manages it; to hand it over, use a moved entry, or forget "
                + other.fullName()
                + " with vmtree state rm first");
      }
    }
  }

  /**
   * {@return the VM that {@code reference} names}, asked of the connector once: by default one bulk
   * list searched by id; vSphere also takes an instance UUID or an inventory path
   */
  private LiveVm find(String hypervisor, String reference) {
    java.util.Optional<LiveVm> found;
    try {
      found = Retry.DEFAULT.call(() -> hypervisors.session(hypervisor).find(reference));
    } catch (ConnectorException e) {
      throw refused("cannot import: hypervisor " + hypervisor + ": " + e.getMessage());
    }
    return found.orElseThrow(
        () ->
            refused(
                "no VM "
                    + reference
                    + " on hypervisor "
                    + hypervisor
                    + "; VM_ID is the hypervisor's id of the VM (vSphere: its instance UUID or"
                    + " inventory path)"));
  }

  private Operation provision(DescriptorConfig descriptor) {
    return StateOperation.run(
        state,
        clock,
        "provision",
        List.of(descriptor.path().toString()),
        running -> {
          state.put(
              new DescriptorState(
                  descriptor.path(),
                  Status.PROVISIONED,
                  null,
                  null,
                  descriptor.definition().plain(),
                  null,
                  null,
                  StateOperation.last(running, clock, Map.of()),
                  descriptor.lifecycle(),
                  descriptor.dependsOn().stream().map(v -> v.value()).toList(),
                  null));
          return Map.of();
        });
  }

  /**
   * {@return the tree's computed definition with what the VM reports in place of the fields an
   * update changes}; where it runs and what it was built from are taken from the tree (the VM was
   * found on that hypervisor; an image is where a VM came from, not something to update), so an
   * import never makes the next plan replace the VM by itself
   */
  static Map<String, Object> deployedConfig(ComputedDefinition computed, LiveVm vm) {
    Map<String, Object> config = new LinkedHashMap<>(computed.config());
    config.put("vcpu", vm.vcpu());
    config.put("memory", MemorySize.ofMebibytes(Math.max(1, vm.memoryMib())).canonical());
    config.put("power", vm.poweredOn() ? "on" : "off");
    config.put("tags", Map.copyOf(vm.tags()));
    if (vm.description() == null || vm.description().isEmpty()) {
      config.remove("description");
    } else {
      config.put("description", vm.description());
    }
    return config;
  }

  private static Optional<String> imageNote(TreePath path, ComputedDefinition computed, LiveVm vm) {
    String wanted = computed.string("base_image").orElse(null);
    if (vm.baseImage() == null || vm.baseImage().equals(wanted)) {
      return Optional.empty();
    }
    return Optional.of(
        "the VM reports base image "
            + vm.baseImage()
            + " and the tree says "
            + wanted
            + "; vmtree records the tree's and keeps the VM (apply --replace "
            + path
            + " rebuilds it from the tree's image)");
  }

  private static EngineException refused(String message) {
    return new EngineException(message, new Diagnostics());
  }
}
