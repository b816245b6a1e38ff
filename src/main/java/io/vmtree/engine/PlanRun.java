package io.vmtree.engine;

import io.vmtree.plan.PlanResult;
import java.time.Duration;
import java.util.Map;

/**
 * A plan together with what making it cost: the calls made to each hypervisor (refresh is one bulk
 * list per hypervisor) and the time the whole planning took.
 */
public record PlanRun(PlanResult result, Map<String, Long> calls, Duration took) {
  public PlanRun {
    calls = Map.copyOf(calls);
  }

  /** {@return the calls made to all hypervisors together} */
  public long totalCalls() {
    return calls.values().stream().mapToLong(Long::longValue).sum();
  }
}
