package io.vmtree.connector.sim;

import io.vmtree.connector.ConnectorException;
import io.vmtree.connector.ConnectorException.Kind;
import io.vmtree.connector.HypervisorConfig;
import java.nio.file.Path;

/**
 * The fields of a {@code type: sim} hypervisor entry (SPEC §2, §8).
 *
 * @param name the hypervisor's name, for messages
 * @param dir where its world is kept
 * @param latencyMs what every call costs
 * @param failRate the probability that a call fails (before any effect)
 * @param seed seeds the failures, so that a run can be replayed
 * @param maxParallel calls allowed at once; one more is refused
 */
record SimSettings(
    String name, Path dir, long latencyMs, double failRate, long seed, int maxParallel) {
  static final int DEFAULT_MAX_PARALLEL = 10;

  /** {@return the settings of {@code config}, checked} */
  static SimSettings of(HypervisorConfig config) {
    String name = config.name();
    Path dir =
        config
            .secret("dir")
            .map(Path::of)
            .orElseGet(
                () -> {
                  if (config.stateDir() == null) {
                    throw rejected(name + ": no dir set and no state directory to keep the world");
                  }
                  return config.stateDir().resolve("sim").resolve(name);
                });
    for (String field : new String[] {"latency_ms", "fail_rate", "seed", "max_parallel"}) {
      Object value = config.settings().get(field);
      if (value != null && !(value instanceof Number)) {
        throw rejected(name + ": " + field + " must be a number, got \"" + value + "\"");
      }
    }
    long latency = config.number("latency_ms", 0);
    double failRate = config.decimal("fail_rate", 0);
    long seed = config.number("seed", 0);
    long maxParallel = config.number("max_parallel", DEFAULT_MAX_PARALLEL);
    if (latency < 0) {
      throw rejected(name + ": latency_ms must be 0 or more, got " + latency);
    }
    if (!(failRate >= 0 && failRate <= 1)) {
      throw rejected(name + ": fail_rate must be between 0 and 1, got " + failRate);
    }
    if (maxParallel < 1 || maxParallel > Integer.MAX_VALUE) {
      throw rejected(name + ": max_parallel must be 1 or more, got " + maxParallel);
    }
    return new SimSettings(name, dir, latency, failRate, seed, (int) maxParallel);
  }

  private static ConnectorException rejected(String message) {
    return new ConnectorException(Kind.REJECTED, message);
  }
}
