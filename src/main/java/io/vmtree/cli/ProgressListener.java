package io.vmtree.cli;

import io.vmtree.apply.ApplyListener;
import io.vmtree.ops.Operation;
import io.vmtree.ops.OperationStatus;
import io.vmtree.plan.Change;
import io.vmtree.report.Style;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Shows apply's progress: one plain line per finished operation; on a terminal also a live status
 * line (done, running, failed, and what runs on each hypervisor), redrawn in place.
 */
final class ProgressListener implements ApplyListener {
  private final Terminal terminal;
  private final Style style;
  private final boolean quiet;
  // the live status line is drawn (on a terminal, unless quiet)
  private final boolean live;
  private final Map<String, Integer> runningByHypervisor = new TreeMap<>();
  private int running;
  private int done;
  private int failed;
  private boolean statusShown;

  ProgressListener(Terminal terminal, Style style, boolean quiet) {
    this.terminal = terminal;
    this.style = style;
    this.quiet = quiet;
    this.live = terminal.interactive() && !quiet;
  }

  /*
   * Every step of an apply calls in here, fifty at once: what shows nothing takes no lock and
   * flushes nothing. Before, each start and end flushed the output under this object's lock, and
   * steps queued up to 12 ms here at the start of an apply, while the JVM was still cold.
   */
  @Override
  public void started(Change change, Operation operation) {
    if (!live) {
      return;
    }
    synchronized (this) {
      running++;
      runningByHypervisor.merge(hypervisor(change), 1, Integer::sum);
      redraw();
    }
  }

  @Override
  public void finished(Change change, Operation operation) {
    if (!live && quiet) {
      return;
    }
    String line = quiet ? null : line(change, operation);
    synchronized (this) {
      if (live) { // the counts are only shown on the live line
        if (operation.started() != null) {
          running--;
          runningByHypervisor.merge(hypervisor(change), -1, Integer::sum);
        }
        if (operation.status() == OperationStatus.SUCCEEDED) {
          done++;
        } else if (operation.status() == OperationStatus.FAILED) {
          failed++;
        }
      }
      if (line != null) {
        clearStatus();
        terminal.out().println(line);
      }
      redraw();
    }
  }

  /** Removes the live line, if any, before the final report. */
  synchronized void close() {
    clearStatus();
    terminal.out().flush();
  }

  private String line(Change change, Operation op) {
    String what = change.key() + " (op " + op.id() + ")";
    return switch (op.status()) {
      case SUCCEEDED -> style.ok("done   ") + what + took(op) + vmId(op);
      case FAILED -> style.error("failed ") + what + ": " + op.error();
      default -> style.warning("skipped ") + what + ": " + op.error();
    };
  }

  static String took(Operation op) {
    if (op.started() == null || op.finished() == null) {
      return "";
    }
    // by hand: in a cold JVM a Formatter costs far more than this line (one per sim create was a
    // tenth of an apply's step CPU)
    long hundredths = (Duration.between(op.started(), op.finished()).toMillis() + 5) / 10;
    long fraction = hundredths % 100;
    return " in " + hundredths / 100 + (fraction < 10 ? ".0" : ".") + fraction + " s";
  }

  private static String vmId(Operation op) {
    Object id = op.result().get("vm_id");
    return id == null ? "" : " [" + id + "]";
  }

  private static String hypervisor(Change change) {
    Map<String, Object> config =
        change.desired() != null ? change.desired().config() : change.previous();
    Object name = config == null ? null : config.get("use_hypervisor");
    return name == null ? "state" : name.toString();
  }

  private void redraw() {
    if (!live) {
      terminal.out().flush();
      return;
    }
    StringBuilder status =
        new StringBuilder("[" + done + " done, " + running + " running, " + failed + " failed]");
    runningByHypervisor.forEach(
        (name, n) -> {
          if (n > 0) {
            status.append("  ").append(name).append(": ").append(n);
          }
        });
    terminal.out().print("\r" + style.dim(status.toString()) + "\u001b[K");
    terminal.out().flush();
    statusShown = true;
  }

  private void clearStatus() {
    if (statusShown) {
      terminal.out().print("\r\u001b[K");
      statusShown = false;
    }
  }
}
