package io.vmtree.ops;

import java.util.List;
import java.util.Optional;

/**
 * The operation journal: append-only. An operation is appended when it starts (status {@code
 * running}: the intent, written before the hypervisor is called) and again when it is final; the
 * last line of an id is its current record.
 */
public interface Journal {
  /** Appends {@code operation}'s current record durably (flushed and synced). */
  void append(Operation operation);

  /**
   * Appends {@code operation}'s current record now (readers see it), to be synced by the next
   * {@link #append} or {@link #sync}: for the many lines of an apply, whose durable intent is the
   * descriptor's pending mark in the state.
   */
  void appendDeferred(Operation operation);

  /** Puts every record appended so far on disk. */
  void sync();

  /** {@return the current record of every operation, by increasing id} */
  List<Operation> list();

  /** {@return the current record of operation {@code id}} */
  Optional<Operation> get(long id);

  /**
   * Reads now what was appended since the last read, so that the next {@link #list} or {@link #get}
   * has less to read: for a long-running reader, at a moment nobody waits on it.
   */
  default void catchUp() {
    list();
  }
}
