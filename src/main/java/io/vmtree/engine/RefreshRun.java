package io.vmtree.engine;

import io.vmtree.tree.TreePath;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a recording refresh did: the lifecycle transitions it saw and recorded (SPEC §1), the
 * hypervisors that did not answer, and what it cost.
 *
 * @param changed the descriptors whose status changed, with the new status
 * @param unreachable hypervisors that did not answer, with why
 * @param recovered descriptors whose interrupted operations were resolved first
 * @param calls hypervisor calls per hypervisor name
 */
public record RefreshRun(
    Map<TreePath, String> changed,
    Map<String, String> unreachable,
    int recovered,
    Map<String, Long> calls,
    Duration took) {
  public RefreshRun {
    changed = Map.copyOf(changed);
    unreachable = Map.copyOf(unreachable);
    calls = Map.copyOf(calls);
  }

  /** {@return the descriptors whose status changed, in path order} */
  public List<TreePath> changedPaths() {
    return changed.keySet().stream().sorted().toList();
  }
}
