package io.vmtree.state;

import io.vmtree.ops.Journal;
import io.vmtree.ops.JsonlJournal;
import io.vmtree.tree.TreePath;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * The state in a local directory ({@code --state DIR}, default {@code ./state}):
 *
 * <pre>
 * DIR/meta.json                    {"format_version": 1, "lineage", "serial", "next_operation_id"}
 * DIR/folders.json                 {"format_version": 1, "folders": ["/lab", "/lab/db"]} (sorted)
 * DIR/descriptors/lab/db/pg1.json  one file per descriptor, named after its full name
 * DIR/journal.jsonl                the operation journal, one JSON object per line
 * DIR/wal.jsonl                    descriptor writes not yet made durable in their files
 * DIR/lock.json                    the holder of the lock, while it is held
 * </pre>
 *
 * <p>Every file but the logs is replaced atomically (temp file, rename), so a reader or a crash
 * sees the old file or the new one. Saving a descriptor appends it to the write-ahead log ({@link
 * StateLog}: one fsync shared by parallel writers), nothing else, whatever the number of
 * descriptors; releasing the lock writes each saved descriptor's file once, with its last content,
 * makes them durable (one filesystem sync) and empties the log. Readers lay whatever the log holds
 * over the files, so they never see an older descriptor than was saved. {@code meta.json} and
 * {@code folders.json} are fsynced file by file. A change writes the changed file first and raises
 * the serial after it: a reader that records the serial before reading the descriptors never
 * records a serial newer than what it read.
 *
 * <p>Descriptor files of different paths are written concurrently; {@code meta.json} and {@code
 * folders.json} are updated under one lock per directory in this JVM. Across processes only the
 * holder of the state lock writes. Reading takes no lock and never creates a file.
 *
 * <p>Temp files ({@code .NAME.tmp-RANDOM}) left by a killed writer are ignored when reading and
 * deleted by the next {@link #lock}.
 */
public final class LocalStateBackend implements StateBackend {
  /** Where the state lives when {@code --state} is not given. */
  public static final Path DEFAULT_DIR = Path.of("state");

  // what every instance on one directory in this JVM shares (tests and the service open several)
  private static final ConcurrentMap<Path, Shared> SHARED = new ConcurrentHashMap<>();

  /** Operation ids reserved per write of meta.json while locked. */
  private static final long ID_BLOCK = 256;

  private final Path dir;
  private final Path metaFile;
  private final Path foldersFile;
  private final DescriptorFiles descriptors;
  private final LockFile lockFile;
  private final JsonlJournal journal;
  private final StateLog log;
  private final Object[] pathLocks;
  private final Set<TreePath> logged;
  private final ConcurrentMap<TreePath, DescriptorState> unwritten;
  private final java.util.concurrent.locks.ReadWriteLock checkpointLock;
  private final Object metaLock;
  private final String freshLineage = UUID.randomUUID().toString();

  /*
   * While this instance holds the state lock, meta.json is written by group commit: the first
   * change durably reserves serial+1, operation ids are reserved in blocks, and the exact values
   * are written when the lock is released. A crash can only leave a serial that moved (so no
   * saved plan is taken for current) and a gap in operation ids (never a reuse). Guarded by
   * metaLock; null when not locked here.
   */
  private StateCodec.Meta held;
  private boolean serialReserved;
  private long idsReservedUpTo;
  // under the lock (guarded by metaLock): the folders as changed, read from folders.json at the
  // first change, and how many changes were ever made through this instance
  private NavigableSet<TreePath> heldFolders;
  private long foldersChanged;
  // guarded by foldersWriteLock: how many of those changes folders.json holds
  private final Object foldersWriteLock = new Object();
  private long foldersWritten;

  private LocalStateBackend(Path dir) {
    this.dir = dir;
    this.metaFile = dir.resolve("meta.json");
    this.foldersFile = dir.resolve("folders.json");
    this.descriptors = new DescriptorFiles(dir.resolve("descriptors"));
    this.lockFile = new LockFile(dir.resolve("lock.json"));
    this.journal = new JsonlJournal(dir.resolve("journal.jsonl"));
    this.log = new StateLog(dir.resolve("wal.jsonl"));
    Shared shared = SHARED.computeIfAbsent(dir.toAbsolutePath().normalize(), d -> new Shared());
    this.metaLock = shared.metaLock;
    this.pathLocks = shared.pathLocks;
    this.logged = shared.logged;
    this.unwritten = shared.unwritten;
    this.checkpointLock = shared.checkpointLock;
  }

  /**
   * The in-process side of one state directory.
   *
   * @param metaLock guards meta.json, folders.json and the lock's group commit
   * @param pathLocks serialize writes of one path, so that its log records and its file change in
   *     the same order
   * @param logged the descriptors changed since the log was last emptied: whose files releasing the
   *     lock makes durable (paths, not files: a file's path is only worked out then, not for each
   *     of the three saves of a VM an apply creates)
   * @param unwritten the descriptors saved to the log but not yet to their files: the files are
   *     written once, with their last content, when the lock is released
   * @param checkpointLock writes hold it shared, emptying the log exclusively: no record is
   *     appended between the sync of the files and the truncation. A {@link
   *     java.util.concurrent.locks.StampedLock}'s view: never taken twice by a thread, so it needs
   *     no count of holds per thread, which was most of the cost of taking it for every save
   */
  private record Shared(
      Object metaLock,
      Object[] pathLocks,
      Set<TreePath> logged,
      ConcurrentMap<TreePath, DescriptorState> unwritten,
      java.util.concurrent.locks.ReadWriteLock checkpointLock) {
    Shared() {
      this(
          new Object(),
          newLocks(256),
          ConcurrentHashMap.newKeySet(),
          new ConcurrentHashMap<>(),
          new java.util.concurrent.locks.StampedLock().asReadWriteLock());
    }

    private static Object[] newLocks(int count) {
      Object[] locks = new Object[count];
      for (int i = 0; i < count; i++) {
        locks[i] = new Object();
      }
      return locks;
    }
  }

  /** {@return the state in {@code dir}; nothing is read or created until it is used} */
  public static LocalStateBackend of(Path dir) {
    return new LocalStateBackend(Objects.requireNonNull(dir, "dir"));
  }

  @Override
  public Path directory() {
    return dir;
  }

  /** {@return the state directory} */
  public Path dir() {
    return dir;
  }

  /**
   * {@return a lock holder for this process: user, host, pid, now and a random 8-hex-digit id}
   *
   * @param command what the lock is taken for, e.g. {@code apply examples/lab}
   */
  public static LockInfo currentProcess(String command) {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "localhost";
    }
    return new LockInfo(
        String.format("%08x", ThreadLocalRandom.current().nextInt()),
        System.getProperty("user.name"),
        host,
        ProcessHandle.current().pid(),
        Instant.now().truncatedTo(ChronoUnit.SECONDS),
        command);
  }

  @Override
  public StateSnapshot read() {
    Optional<StateCodec.Meta> meta;
    synchronized (metaLock) {
      meta = held != null ? Optional.of(held) : readMeta();
    }
    // the files first, then the log: a record read from the log is never older than the file
    NavigableMap<TreePath, DescriptorState> all = descriptors.readAll();
    log.overlay(all);
    return new StateSnapshot(
        meta.map(StateCodec.Meta::lineage).orElse(freshLineage),
        meta.map(StateCodec.Meta::serial).orElse(0L),
        all,
        readFolders());
  }

  /**
   * {@return the state's lineage, serial and folders, with no descriptors}: what a process that
   * keeps the descriptors in memory (the service, the one writer) needs, without reading one file
   * per descriptor
   */
  public StateSnapshot readHeader() {
    Optional<StateCodec.Meta> meta;
    synchronized (metaLock) {
      meta = held != null ? Optional.of(held) : readMeta();
    }
    return new StateSnapshot(
        meta.map(StateCodec.Meta::lineage).orElse(freshLineage),
        meta.map(StateCodec.Meta::serial).orElse(0L),
        new java.util.TreeMap<>(),
        readFolders());
  }

  @Override
  public void put(DescriptorState descriptor) {
    save(descriptor, true);
  }

  @Override
  public void putDeferred(DescriptorState descriptor) {
    save(descriptor, false);
  }

  private void save(DescriptorState descriptor, boolean durable) {
    TreePath path = Objects.requireNonNull(descriptor, "descriptor").fullName();
    if (path.isRoot()) {
      throw new IllegalArgumentException("the root folder / is not a descriptor");
    }
    boolean locked;
    synchronized (metaLock) {
      locked = held != null;
    }
    checkpointLock.readLock().lock();
    try {
      long end;
      synchronized (pathLock(path)) {
        end = log.write(descriptor);
        if (locked) {
          unwritten.put(path, descriptor);
          logged.add(path);
        } else {
          // no release of the lock will write it: the file now, durably (the log line keeps
          // readers from laying an older record of a log left by a killed holder over it)
          descriptors.write(descriptor, true);
        }
      }
      // the wait for the disk outside the path's lock: writers of other paths that share it
      // must not queue behind this fsync
      if (durable) {
        log.syncUpTo(end);
      }
    } finally {
      checkpointLock.readLock().unlock();
    }
    raiseSerial();
  }

  @Override
  public void remove(TreePath fullName) {
    Path file = descriptors.file(Objects.requireNonNull(fullName, "fullName"));
    checkpointLock.readLock().lock();
    try {
      synchronized (pathLock(fullName)) {
        boolean saved = unwritten.remove(fullName) != null;
        if (!saved && !Files.exists(file)) {
          return;
        }
        log.remove(fullName);
        descriptors.delete(fullName, false);
        logged.add(fullName);
      }
    } finally {
      checkpointLock.readLock().unlock();
    }
    raiseSerial();
  }

  private Object pathLock(TreePath path) {
    return pathLocks[Math.floorMod(path.hashCode(), pathLocks.length)];
  }

  @Override
  public void putFolder(TreePath path) {
    changeFolders(path, folders -> folders.add(path));
  }

  @Override
  public void removeFolder(TreePath path) {
    changeFolders(path, folders -> folders.remove(path));
  }

  @Override
  public long nextOperationId() {
    synchronized (metaLock) {
      if (held != null) {
        long id = held.nextOperationId();
        if (id >= idsReservedUpTo) {
          idsReservedUpTo = id + ID_BLOCK;
          writeMeta(held.withNextOperationId(idsReservedUpTo));
        }
        held = held.withNextOperationId(id + 1);
        return id;
      }
      StateCodec.Meta meta = currentMeta();
      writeMeta(meta.withNextOperationId(meta.nextOperationId() + 1));
      return meta.nextOperationId();
    }
  }

  @Override
  public Journal journal() {
    return journal;
  }

  @Override
  public StateLock lock(LockInfo who) {
    StateLock lock = lockFile.acquire(Objects.requireNonNull(who, "who"));
    try {
      AtomicFiles.deleteTemps(dir);
      replayLog();
      synchronized (metaLock) {
        held = currentMeta();
        serialReserved = false;
        idsReservedUpTo = held.nextOperationId();
        heldFolders = null; // versions go on counting: folders.json holds every earlier one
      }
    } catch (IOException e) {
      lock.close();
      throw new StateException(
          "cannot clean up temp files in " + dir + ": " + AtomicFiles.reason(e), e);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
    return new StateLock() {
      @Override
      public LockInfo info() {
        return lock.info();
      }

      @Override
      public void close() {
        try {
          checkpoint();
          synchronized (metaLock) {
            if (held != null && (serialReserved || idsReservedUpTo > held.nextOperationId())) {
              writeMeta(held);
            }
            held = null;
            heldFolders = null;
          }
        } finally {
          lock.close();
        }
      }
    };
  }

  @Override
  public Optional<LockInfo> lockHolder() {
    return lockFile.holder();
  }

  @Override
  public void forceUnlock(String id) {
    lockFile.forceUnlock(Objects.requireNonNull(id, "id"));
  }

  /**
   * Writes into the files, durably, what a log left by a killed holder still holds (a power loss
   * may have undone its unsynced file writes), then empties the log.
   */
  private void replayLog() {
    if (log.isEmpty()) {
      return;
    }
    log.records()
        .forEach(
            (path, record) -> {
              if (record.isPresent()) {
                descriptors.write(record.get(), true);
              } else {
                descriptors.delete(path, true);
              }
            });
    log.truncate();
  }

  @Override
  public void sync() {
    checkpoint();
  }

  @Override
  public void syncRecords() {
    journal.sync();
    log.sync();
  }

  /** Makes the journal and the files written under the lock durable, then empties the log. */
  private void checkpoint() {
    journal.sync();
    checkpointLock.writeLock().lock();
    try {
      if (logged.isEmpty()) {
        return;
      }
      // the log first: should writing the files fail, it still holds every record
      log.sync();
      unwritten.values().parallelStream().forEach(d -> descriptors.write(d, false));
      AtomicFiles.syncAll(dir, logged.stream().map(descriptors::file).toList());
      log.truncate();
      unwritten.clear();
      logged.clear();
    } finally {
      checkpointLock.writeLock().unlock();
    }
  }

  private void changeFolders(TreePath path, Predicate<NavigableSet<TreePath>> change) {
    Objects.requireNonNull(path, "path");
    if (path.isRoot()) {
      throw new IllegalArgumentException("the root folder / is not recorded in the state");
    }
    long version;
    synchronized (metaLock) {
      if (held == null) {
        NavigableSet<TreePath> folders = readFolders();
        if (change.test(folders)) {
          AtomicFiles.write(foldersFile, StateCodec.encodeFolders(folders));
          raiseSerial();
        }
        return;
      }
      if (heldFolders == null) {
        heldFolders = readFolders();
      }
      if (!change.test(heldFolders)) {
        return;
      }
      version = ++foldersChanged;
    }
    writeFoldersUpTo(version);
    raiseSerial(); // after the file, as for descriptors
  }

  /**
   * Writes {@code folders.json} durably with every change up to {@code version} made under the
   * lock, by group commit: the folders of a tree are created in parallel at the start of an apply,
   * and one write (two fsyncs) each, queued on one lock, held up every step below them.
   */
  private void writeFoldersUpTo(long version) {
    synchronized (foldersWriteLock) {
      if (foldersWritten >= version) {
        return;
      }
      NavigableSet<TreePath> folders;
      long upTo;
      synchronized (metaLock) {
        folders = new TreeSet<>(heldFolders);
        upTo = foldersChanged;
      }
      AtomicFiles.write(foldersFile, StateCodec.encodeFolders(folders));
      foldersWritten = upTo;
    }
  }

  private void raiseSerial() {
    synchronized (metaLock) {
      if (held != null) {
        held = held.withSerial(held.serial() + 1);
        if (!serialReserved) {
          writeMeta(held.withNextOperationId(idsReservedUpTo));
          serialReserved = true;
        }
        return;
      }
      StateCodec.Meta meta = currentMeta();
      writeMeta(meta.withSerial(meta.serial() + 1));
    }
  }

  private StateCodec.Meta currentMeta() {
    return readMeta().orElseGet(() -> new StateCodec.Meta(freshLineage, 0, 1));
  }

  private Optional<StateCodec.Meta> readMeta() {
    byte[] bytes = AtomicFiles.readIfExists(metaFile);
    return bytes == null ? Optional.empty() : Optional.of(StateCodec.decodeMeta(metaFile, bytes));
  }

  private void writeMeta(StateCodec.Meta meta) {
    AtomicFiles.write(metaFile, StateCodec.encodeMeta(meta));
  }

  private NavigableSet<TreePath> readFolders() {
    byte[] bytes = AtomicFiles.readIfExists(foldersFile);
    return bytes == null ? new TreeSet<>() : StateCodec.decodeFolders(foldersFile, bytes);
  }
}
