package io.vmtree.apply;

import io.vmtree.ops.Operation;
import io.vmtree.plan.Change;

/** Hears about each step of an apply, for progress output. Called from worker threads. */
public interface ApplyListener {
  /** A step is about to call the hypervisor (or write the state). */
  default void started(Change change, Operation operation) {}

  /** A step is final: succeeded, failed or skipped. */
  default void finished(Change change, Operation operation) {}

  /** Hears nothing. */
  ApplyListener NONE = new ApplyListener() {};
}
