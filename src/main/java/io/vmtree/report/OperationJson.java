package io.vmtree.report;

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
    json.put("submitted", op.submitted() == null ? null : op.submitted().toString());
    json.put("started", op.started() == null ? null : op.started().toString());
    json.put("finished", op.finished() == null ? null : op.finished().toString());
    json.put("result", op.result());
    json.put("error", op.error());
    return json;
  }
}
