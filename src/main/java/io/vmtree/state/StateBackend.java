package io.vmtree.state;

import io.vmtree.ops.Journal;
import io.vmtree.tree.TreePath;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the state lives (SPEC §5). Every write is atomic and raises the serial by one; a reader
 * sees either the old or the new descriptor, never a torn one. Writes are only made under the lock;
 * reads take no lock.
 */
public interface StateBackend {
  /**
   * {@return the whole state; an empty state (new lineage, serial 0) when nothing was written yet}
   *
   * @throws StateException naming the file, for a corrupt file or a newer format version
   */
  StateSnapshot read();

  /**
   * Saves one descriptor, durably once this returns; costs the same whatever the number of
   * descriptors.
   */
  void put(DescriptorState descriptor);

  /**
   * Saves one descriptor: readers see it at once, and it is durable after the next {@link #put}
   * returns or the lock is released. For writes that no hypervisor call waits on (a step's outcome,
   * a provision); the intent written before a call must be a {@link #put}.
   */
  void putDeferred(DescriptorState descriptor);

  /**
   * Makes every write so far durable, as releasing the lock does: for a holder that keeps the lock
   * for long (the service), after each operation.
   */
  void sync();

  /**
   * Makes every write so far durable as records (the journal, the state's log that readers lay over
   * the descriptors' files), without writing those files yet: what an answer that an operation
   * ended waits for, the files being {@link #sync}'s to write after it. By default, {@link #sync}.
   */
  default void syncRecords() {
    sync();
  }

  /** Forgets one descriptor. */
  void remove(TreePath fullName);

  /** Records that vmtree created the folder {@code path}. */
  void putFolder(TreePath path);

  /** Forgets the folder {@code path}. */
  void removeFolder(TreePath path);

  /** {@return the next operation id, persisted so that ids only ever increase} */
  long nextOperationId();

  /** {@return the operation journal} */
  Journal journal();

  /**
   * {@return the lock, held until closed}
   *
   * @throws LockedException at once, naming the holder, when someone else holds it
   */
  StateLock lock(LockInfo who);

  /** {@return who holds the lock now, if anyone} */
  Optional<LockInfo> lockHolder();

  /**
   * Removes the lock with id {@code id}.
   *
   * @throws StateException when there is no lock or it has another id
   */
  void forceUnlock(String id);

  /**
   * {@return the directory of a local state, where the worlds of sim hypervisors live unless their
   * {@code dir} says otherwise; {@code ./state} for a state kept elsewhere}
   */
  default Path directory() {
    return LocalStateBackend.DEFAULT_DIR;
  }

  /** A held lock; closing releases it. */
  interface StateLock extends AutoCloseable {
    /** {@return who holds it} */
    LockInfo info();

    @Override
    void close();
  }
}
