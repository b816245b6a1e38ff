package io.vmtree.server;

import io.vmtree.ops.Journal;
import io.vmtree.state.DescriptorState;
import io.vmtree.state.LocalStateBackend;
import io.vmtree.state.LockInfo;
import io.vmtree.state.LockedException;
import io.vmtree.state.StateBackend;
import io.vmtree.state.StateSnapshot;
import io.vmtree.tree.TreePath;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Semaphore;

/**
 * The state as the service sees it: the service is the one writer, so it takes the state lock when
 * it starts and holds it until it stops, and keeps every descriptor in memory, written through to
 * the local backend. Reads (a descriptor for a GET, the whole state for a plan) cost no file
 * access; a CLI {@code apply} against the same state fails at once naming {@code vmtree serve}.
 *
 * <p>The engine takes "the lock" for each writing operation; here that is an in-process permit, so
 * that two writing operations can never interleave even if the queue let them.
 *
 * <p>Consistency with the serial (SPEC §10): a write updates memory before the file and the serial,
 * and a read takes the serial before the descriptors; a reader may see a change the serial does not
 * count yet (its plan is then refused as stale), never a serial that counts a change it does not
 * see.
 */
final class HeldState implements StateBackend, AutoCloseable {
  private final LocalStateBackend backend;
  private final StateLock held;
  private final ConcurrentSkipListMap<TreePath, DescriptorState> descriptors;
  private final Semaphore writer = new Semaphore(1);

  private HeldState(LocalStateBackend backend, StateLock held) {
    this.backend = backend;
    this.held = held;
    this.descriptors = new ConcurrentSkipListMap<>(backend.read().descriptors());
  }

  /**
   * {@return the state in {@code dir}, locked for this process}; a lock left by a {@code serve}
   * process of this host that is no longer running is taken over (the restart after a crash), any
   * other holder makes it fail
   *
   * @throws LockedException naming the holder
   */
  static HeldState open(Path dir, String command, PrintWriter log) {
    LocalStateBackend backend = LocalStateBackend.of(dir);
    LockInfo who = LocalStateBackend.currentProcess(command);
    try {
      return new HeldState(backend, backend.lock(who));
    } catch (LockedException e) {
      LockInfo holder = e.holder();
      if (!deadServiceOfThisHost(holder)) {
        throw e;
      }
      log.println(
          "taking over the state lock of a vmtree serve that is no longer running: "
              + holder.describe());
      log.flush();
      backend.forceUnlock(holder.id());
      return new HeldState(backend, backend.lock(who));
    }
  }

  private static boolean deadServiceOfThisHost(LockInfo holder) {
    String here;
    try {
      here = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return false;
    }
    return here.equals(holder.host())
        && holder.command() != null
        && holder.command().startsWith("serve")
        && ProcessHandle.of(holder.pid()).map(p -> !p.isAlive()).orElse(true);
  }

  /** {@return the recorded state of one descriptor, from memory} */
  Optional<DescriptorState> descriptor(TreePath path) {
    return Optional.ofNullable(descriptors.get(path));
  }

  /** {@return every recorded descriptor, a live read-only view} */
  java.util.NavigableMap<TreePath, DescriptorState> view() {
    return java.util.Collections.unmodifiableNavigableMap(descriptors);
  }

  /** {@return the serial and lineage now, without copying the descriptors} */
  StateSnapshot header() {
    return backend.readHeader();
  }

  /** {@return the number of descriptors in the state} */
  int size() {
    return descriptors.size();
  }

  /** {@return who holds the lock: this service} */
  LockInfo holder() {
    return held.info();
  }

  @Override
  public StateSnapshot read() {
    StateSnapshot header = backend.readHeader();
    return new StateSnapshot(
        header.lineage(), header.serial(), descriptors.clone(), header.folders());
  }

  @Override
  public void put(DescriptorState descriptor) {
    DescriptorState before = descriptors.put(descriptor.fullName(), descriptor);
    try {
      backend.put(descriptor);
    } catch (RuntimeException e) {
      restore(descriptor.fullName(), before);
      throw e;
    }
  }

  @Override
  public void putDeferred(DescriptorState descriptor) {
    DescriptorState before = descriptors.put(descriptor.fullName(), descriptor);
    try {
      backend.putDeferred(descriptor);
    } catch (RuntimeException e) {
      restore(descriptor.fullName(), before);
      throw e;
    }
  }

  @Override
  public void sync() {
    backend.sync();
  }

  @Override
  public void syncRecords() {
    backend.syncRecords();
  }

  @Override
  public void remove(TreePath fullName) {
    DescriptorState before = descriptors.remove(fullName);
    try {
      backend.remove(fullName);
    } catch (RuntimeException e) {
      restore(fullName, before);
      throw e;
    }
  }

  private void restore(TreePath path, DescriptorState before) {
    if (before == null) {
      descriptors.remove(path);
    } else {
      descriptors.put(path, before);
    }
  }

  @Override
  public void putFolder(TreePath path) {
    backend.putFolder(path);
  }

  @Override
  public void removeFolder(TreePath path) {
    backend.removeFolder(path);
  }

  @Override
  public long nextOperationId() {
    return backend.nextOperationId();
  }

  @Override
  public Journal journal() {
    return backend.journal();
  }

  @Override
  public Path directory() {
    return backend.directory();
  }

  /** The service already holds the lock: an operation takes the one in-process writer permit. */
  @Override
  public StateLock lock(LockInfo who) {
    if (!writer.tryAcquire()) {
      throw new LockedException(held.info());
    }
    return new StateLock() {
      private boolean open = true;

      @Override
      public LockInfo info() {
        return held.info();
      }

      @Override
      public synchronized void close() {
        if (open) {
          open = false;
          writer.release();
        }
      }
    };
  }

  @Override
  public Optional<LockInfo> lockHolder() {
    return Optional.of(held.info());
  }

  @Override
  public void forceUnlock(String id) {
    throw new io.vmtree.state.StateException(
        "the state is held by this vmtree serve; stop it to release the lock");
  }

  /** Releases the state lock; the exact serial is written then. */
  @Override
  public void close() {
    held.close();
  }
}
