package io.vmtree.server;

import io.vmtree.ops.Operation;
import io.vmtree.ops.OperationStatus;
import io.vmtree.tree.TreePath;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A request's operation while the service knows it: its job, who asked, what it marks, and where it
 * is. Changes only through the queue; {@link #operation()} is its current record.
 */
final class Tracked {
  private final long id;
  private final Job job;
  private final String requestedBy;
  private final Instant submitted;
  private final List<TreePath> marks;
  private final java.util.Set<TreePath> footprintSet;
  private final boolean resumed;
  private final CompletableFuture<Operation> done = new CompletableFuture<>();
  private volatile Operation current;

  /**
   * @param marks the descriptors and folders it acts on: what it keeps others off while it runs
   * @param resumed it had started before the service stopped, and runs again after a restart
   */
  Tracked(
      long id,
      Job job,
      String requestedBy,
      Instant submitted,
      List<TreePath> marks,
      boolean resumed) {
    this.id = id;
    this.job = job;
    this.requestedBy = requestedBy;
    this.submitted = submitted;
    this.marks = List.copyOf(marks);
    this.footprintSet = java.util.Set.copyOf(footprint());
    this.resumed = resumed;
    this.current =
        new Operation(
            id,
            job.type(),
            job.scope().stream().map(TreePath::toString).toList(),
            submitted,
            null,
            null,
            OperationStatus.PENDING,
            resumed ? Map.of("resumed", true) : Map.of(),
            null);
  }

  long id() {
    return id;
  }

  Job job() {
    return job;
  }

  String requestedBy() {
    return requestedBy;
  }

  Instant submitted() {
    return submitted;
  }

  List<TreePath> marks() {
    return marks;
  }

  boolean resumed() {
    return resumed;
  }

  /** {@return its current record} */
  Operation operation() {
    return current;
  }

  /** {@return completed with the final record} */
  CompletableFuture<Operation> done() {
    return done;
  }

  void started(Instant at) {
    current = current.running(at);
  }

  void finished(Operation last) {
    current = last;
    done.complete(last);
  }

  /** {@return true when {@code other} may not run at the same time as this} */
  boolean conflictsWith(Tracked other) {
    if (job.writes() && other.job.writes()) {
      return true;
    }
    return (job.writes() || other.job.writes()) && overlaps(footprint(), other.footprint());
  }

  /** {@return what it keeps others off: its marks when it has any, else its scope} */
  List<TreePath> footprint() {
    return marks.isEmpty() ? job.scope() : marks;
  }

  /**
   * {@return true when {@code path} lies in its footprint}: a look-up of the path and each folder
   * above it, so that a read of one descriptor does not scan the thousands of marks of an apply
   */
  boolean covers(TreePath path) {
    for (TreePath p = path; p != null; p = p.parent()) {
      if (footprintSet.contains(p)) {
        return true;
      }
    }
    return false;
  }

  private static boolean overlaps(List<TreePath> a, List<TreePath> b) {
    for (TreePath x : a) {
      for (TreePath y : b) {
        if (x.contains(y) || y.contains(x)) {
          return true;
        }
      }
    }
    return false;
  }
}
