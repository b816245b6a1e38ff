package io.vmtree.report;

import io.vmtree.ops.IsoInstant;
import io.vmtree.ops.Operation;
import java.util.LinkedHashMap;
import java.util.Map;

/** One operation as JSON, for {@code ops} and {@code apply --json}. */
public final class OperationJson {
  private OperationJson() {}

  /** {@return the operation's fields, snake_case, times as ISO-8601} */
  public static Map<String, Object> of(Operation op) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", op.id());
    json.put("type", op.type());
    json.put("targets", op.targets());
    json.put("status", op.status().label());
    json.put("submitted", IsoInstant.format(op.submitted()));
    json.put("started", IsoInstant.format(op.started()));
    json.put("finished", IsoInstant.format(op.finished()));
    json.put("result", op.result());
    json.put("error", op.error());
    return json;
  }
}
