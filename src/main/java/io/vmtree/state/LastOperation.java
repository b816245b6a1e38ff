package io.vmtree.state;

import java.time.Instant;
import java.util.Map;

/**
 * What a descriptor keeps of an operation on it: id, type, times, outcome and result.
 *
 * @param outcome running, succeeded, failed or skipped
 * @param result e.g. kept disks of an undeploy; JSON-friendly values
 */
public record LastOperation(
    long id,
    String type,
    Instant started,
    Instant finished,
    String outcome,
    Map<String, Object> result) {
  public LastOperation {
    result = Map.copyOf(result);
  }
}
