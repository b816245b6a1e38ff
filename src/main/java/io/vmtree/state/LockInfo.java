package io.vmtree.state;

import java.time.Instant;
import java.util.Objects;

/**
 * Who holds the state lock, since when, and for what (SPEC §5).
 *
 * @param id random id; {@code force-unlock ID} names it
 * @param command e.g. {@code apply examples/lab}
 */
public record LockInfo(
    String id, String user, String host, long pid, Instant since, String command) {
  public LockInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(since, "since");
  }

  /**
   * {@return a one-line description: "held by USER@HOST (pid N) since T for: COMMAND (lock ID)"}
   */
  public String describe() {
    return "held by "
        + user
        + "@"
        + host
        + " (pid "
        + pid
        + ") since "
        + since
        + " for: "
        + command
        + " (lock "
        + id
        + ")";
  }
}
