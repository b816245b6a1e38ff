package io.vmtree.connector.proxmox;

import io.vmtree.connector.ConnectorException;
import io.vmtree.connector.ConnectorException.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Waits for PVE's async tasks. Every call that starts a worker (clone, config, start, stop,
 * destroy) answers with its UPID ({@code UPID:node:pid:pstart:starttime:type:id:user:}); the task
 * is polled with {@code GET /nodes/{node}/tasks/{upid}/status} until its {@code status} is {@code
 * stopped}. An {@code exitstatus} of {@code OK} (or {@code WARNINGS: n}, which PVE counts as a
 * success) ends the wait; anything else is the error, with the last lines of {@code GET
 * /nodes/{node}/tasks/{upid}/log}.
 */
final class PveTasks {
  private static final int LOG_LINES = 8;

  private final PveClient client;
  private final String name;
  private final Duration timeout;
  private final Duration firstPoll;

  PveTasks(PveClient client, String name, Duration timeout, Duration firstPoll) {
    this.client = client;
    this.name = name;
    this.timeout = timeout;
    this.firstPoll = firstPoll;
  }

  /**
   * Waits for the task {@code upid} to end.
   *
   * @param what what it does, for messages ({@code clone of VM 9000 to 10004})
   * @throws ConnectorException CONFLICT when it failed on a lock, REJECTED when it failed
   *     otherwise, UNREACHABLE when it did not end within the task timeout
   */
  void await(JsonNode upid, String what) {
    if (upid == null || !upid.isString()) {
      return; // some calls answer null when there was nothing to do
    }
    String id = upid.asString();
    String node = nodeOf(id);
    String base = "/nodes/" + PveClient.segment(node) + "/tasks/" + PveClient.segment(id);
    long deadline = System.nanoTime() + timeout.toNanos();
    long delay = firstPoll.toMillis();
    while (true) {
      JsonNode status = client.get(base + "/status", Map.of());
      if ("stopped".equals(status.path("status").asString())) {
        String exit = status.path("exitstatus").asString("");
        if (exit.equals("OK") || exit.startsWith("WARNINGS")) {
          return;
        }
        throw PveErrors.ofTask(name, what, exit.isEmpty() ? "unknown error" : exit, tail(base));
      }
      if (System.nanoTime() > deadline) {
        throw new ConnectorException(
            Kind.UNREACHABLE,
            name + ": " + what + " did not finish within " + timeout + " (task " + id + ")");
      }
      sleep(delay);
      delay = Math.min(delay * 3 / 2 + 1, 1_000);
    }
  }

  /** {@return the node a UPID ran on: its second field} */
  static String nodeOf(String upid) {
    String[] fields = upid.split(":");
    if (fields.length < 8 || !fields[0].equals("UPID")) {
      throw new ConnectorException(Kind.REJECTED, "not a PVE task id: " + upid);
    }
    return fields[1];
  }

  private String tail(String base) {
    try {
      JsonNode lines = client.get(base + "/log", Map.of("start", "0", "limit", "5000"));
      List<String> text = new ArrayList<>();
      lines.forEach(line -> text.add(line.path("t").asString("")));
      List<String> last = text.subList(Math.max(0, text.size() - LOG_LINES), text.size());
      return String.join("\n", last);
    } catch (ConnectorException e) {
      return "(task log unavailable: " + e.getMessage() + ")";
    }
  }

  private void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectorException(Kind.TRANSIENT, name + ": interrupted", e);
    }
  }
}
