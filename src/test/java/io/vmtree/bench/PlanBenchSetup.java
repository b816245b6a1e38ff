package io.vmtree.bench;

import io.vmtree.connector.sim.SimVm;
import io.vmtree.connector.sim.SimWorld;
import io.vmtree.definition.ComputedDefinition;
import io.vmtree.definition.MemorySize;
import io.vmtree.engine.Engine;
import io.vmtree.engine.Validation;
import io.vmtree.state.DescriptorState;
import io.vmtree.state.LocalStateBackend;
import io.vmtree.state.StateBackend;
import io.vmtree.tree.Lifecycle;
import io.vmtree.tree.Status;
import io.vmtree.tree.TreePath;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;

/**
 * Sets up the plan benchmark: for every descriptor of a tree, a VM on its sim hypervisor and a
 * deployed state entry matching it exactly, as if a long apply had run — so that a plan has nothing
 * to change. Uses the same APIs the engine does.
 *
 * <p>Usage: {@code PlanBenchSetup TREE STATE_DIR}
 */
public final class PlanBenchSetup {
  private PlanBenchSetup() {}

  public static void main(String[] args) throws Exception {
    Path tree = Path.of(args[0]);
    Path stateDir = Path.of(args[1]);
    Validation validation = Engine.create(Map.of()).validate(tree);
    if (!validation.isValid()) {
      throw new IllegalStateException(validation.diagnostics().toString());
    }
    StateBackend state = LocalStateBackend.of(stateDir);
    Map<String, SimWorld> worlds = new ConcurrentHashMap<>();
    long start = System.nanoTime();
    try (StateBackend.StateLock lock =
        state.lock(LocalStateBackend.currentProcess("bench setup"))) {
      validation.tree().get().folders().keySet().stream()
          .filter(p -> !p.isRoot())
          .forEach(state::putFolder);
      new ForkJoinPool(32)
          .submit(
              () ->
                  validation.computed().entrySet().parallelStream()
                      .forEach(
                          e ->
                              deploy(
                                  e.getKey(),
                                  e.getValue(),
                                  validation
                                      .tree()
                                      .get()
                                      .descriptor(e.getKey())
                                      .orElseThrow()
                                      .definition()
                                      .plain(),
                                  state,
                                  stateDir,
                                  worlds)))
          .get();
    }
    worlds.values().forEach(SimWorld::close);
    System.out.printf(
        "set up %d deployed descriptors in %.1f s%n",
        validation.computed().size(), (System.nanoTime() - start) / 1e9);
  }

  private static void deploy(
      TreePath path,
      ComputedDefinition computed,
      Map<String, Object> localDefinition,
      StateBackend state,
      Path stateDir,
      Map<String, SimWorld> worlds) {
    String hypervisor = computed.string("use_hypervisor").orElseThrow();
    SimWorld world =
        worlds.computeIfAbsent(hypervisor, h -> SimWorld.at(stateDir.resolve("sim").resolve(h)));
    SimVm vm =
        world.create(
            new SimVm(
                null,
                path.name(),
                path.parent().segments(),
                computed.vcpu().orElseThrow(),
                computed.memory().map(MemorySize::mebibytes).orElseThrow(),
                true,
                computed.tags(),
                computed.string("description").orElse(null),
                path.toString(),
                computed.string("base_image").orElseThrow(),
                List.of()));
    state.put(
        new DescriptorState(
            path,
            Status.DEPLOYED,
            vm.id(),
            hypervisor,
            localDefinition,
            computed.config(),
            null,
            null,
            Lifecycle.DEFAULT,
            List.of(),
            null));
  }
}
