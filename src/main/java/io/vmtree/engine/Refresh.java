package io.vmtree.engine;

import io.vmtree.apply.Hypervisors;
import io.vmtree.apply.Retry;
import io.vmtree.connector.ConnectorException;
import io.vmtree.diag.Diagnostics;
import io.vmtree.plan.Observation;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Lists every hypervisor once, all of them at the same time: the bulk refresh of SPEC §4. */
final class Refresh {
  private Refresh() {}

  /**
   * {@return what each hypervisor of {@code names} answered}; a hypervisor that cannot be reached
   * is an {@link Observation.Unreachable}, one that refuses (a secret that cannot be resolved, an
   * unsupported type) an error in {@code diagnostics}
   */
  static Map<String, Observation> observe(
      Hypervisors hypervisors, Set<String> names, Diagnostics diagnostics) {
    Map<String, Observation> observed = new TreeMap<>();
    if (names.isEmpty()) {
      return observed;
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(names.size(), 16));
    try {
      Map<String, CompletableFuture<Observation>> futures = new TreeMap<>();
      for (String name : names) {
        futures.put(
            name, CompletableFuture.supplyAsync(() -> list(hypervisors, name, diagnostics), pool));
      }
      futures.forEach(
          (name, future) -> {
            Observation observation = future.join();
            if (observation != null) {
              observed.put(name, observation);
            }
          });
      return observed;
    } finally {
      pool.shutdown();
    }
  }

  private static Observation list(Hypervisors hypervisors, String name, Diagnostics diagnostics) {
    try {
      return new Observation.Listed(Retry.DEFAULT.call(() -> hypervisors.session(name)).list());
    } catch (ConnectorException e) {
      if (e.kind() == ConnectorException.Kind.REJECTED) {
        diagnostics.error(null, "cannot refresh hypervisor " + name + ": " + e.getMessage());
        return null;
      }
      return new Observation.Unreachable(e.getMessage());
    }
  }
}
