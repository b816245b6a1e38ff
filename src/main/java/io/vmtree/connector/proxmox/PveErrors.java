package io.vmtree.connector.proxmox;

import io.vmtree.connector.ConnectorException;
import io.vmtree.connector.ConnectorException.Kind;
import java.util.regex.Pattern;

/**
 * What a PVE error means to the engine. PVE reports a failed call as the HTTP status with the
 * message in the status line (and, since pve-http-server 5, in the body's {@code message});
 * parameter errors are 400 with {@code errors} by parameter; a failed task has its message as the
 * task's {@code exitstatus}. The kinds follow from the text, because PVE reports most failures as
 * 500.
 */
final class PveErrors {
  /**
   * PVE's lock helpers: {@code can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout}
   * (PVE::Tools::lock_file_full), {@code cfs-lock 'storage-x' error: got lock request timeout}
   * (cluster-wide locks), and a config lock held by a running task ({@code VM is locked (clone)},
   * PVE::AbstractConfig::check_lock).
   */
  private static final Pattern LOCKED =
      Pattern.compile(
          "can't lock file .* got timeout|got lock request timeout|VM is locked|is locked \\(");

  /** {@code Configuration file 'nodes/pve1/qemu-server/100.conf' does not exist}. */
  private static final Pattern MISSING =
      Pattern.compile("Configuration file '.*' does not exist|VM \\d+ not running|no such VM");

  private PveErrors() {}

  /** {@return true when {@code message} says a PVE lock could not be taken in time} */
  static boolean isLockTimeout(String message) {
    return message != null && LOCKED.matcher(message).find();
  }

  /** {@return the exception for an HTTP error of PVE, message prefixed with the hypervisor} */
  static ConnectorException of(String hypervisor, int status, String message) {
    String text = message == null || message.isBlank() ? "HTTP " + status : message.strip();
    Kind kind;
    if (status == 595 || status == 596) {
      // pveproxy could not reach the node it proxies to (node down, network cut)
      kind = Kind.UNREACHABLE;
    } else if (status == 401) {
      kind = Kind.UNREACHABLE;
      text = "authentication failed (HTTP 401): the API token or password was refused";
    } else if (status == 403) {
      kind = Kind.REJECTED;
      text = explainPermission(text);
    } else if (isLockTimeout(text)) {
      kind = Kind.CONFLICT;
    } else if (MISSING.matcher(text).find()) {
      kind = Kind.NOT_FOUND;
    } else if (status == 502 || status == 503 || status == 504) {
      kind = Kind.TRANSIENT;
    } else {
      kind = Kind.REJECTED;
    }
    return new ConnectorException(kind, hypervisor + ": " + text);
  }

  private static final Pattern PERMISSION =
      Pattern.compile("Permission check failed \\(([^,]+), ([^)]+)\\)");

  /** {@code Permission check failed (/vms/100, VM.Clone)} also names what to grant. */
  static String explainPermission(String text) {
    var m = PERMISSION.matcher(text);
    if (!m.find()) {
      return text;
    }
    return text
        + ": the token or user lacks the privilege "
        + m.group(2).strip()
        + " on "
        + m.group(1).strip()
        + " (see docs/proxmox.md for the role vmtree needs)";
  }

  /** {@return the exception for a task that ended with {@code exitstatus} other than OK} */
  static ConnectorException ofTask(String hypervisor, String what, String exitStatus, String log) {
    String text = hypervisor + ": " + what + " failed: " + exitStatus;
    if (log != null && !log.isBlank()) {
      text += "\n  task log:\n" + log.strip().indent(4).stripTrailing();
    }
    Kind kind = isLockTimeout(exitStatus) ? Kind.CONFLICT : Kind.REJECTED;
    if (exitStatus.startsWith("Permission check failed")) {
      text = hypervisor + ": " + what + " failed: " + explainPermission(exitStatus);
    }
    return new ConnectorException(kind, text);
  }
}
