package io.vmtree.connector.sim;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/**
 * A world's log, {@code world.jsonl}, and the {@link WorldModel} read from it: one per directory in
 * a JVM, shared by every {@link SimWorld} of that directory, so that a world is read once and then
 * only what was appended since.
 *
 * <p>Why a log: a world used to keep a file per VM, written to a temporary file and renamed, with a
 * hard link per marker. A create cost six file system calls, three of them changing directories
 * that hold an entry per VM; in a 1,000-VM apply that was half of the steps' CPU on two cores, CPU
 * a real hypervisor spends on its own machine. Now a create appends one line.
 *
 * <p>How it stays safe:
 *
 * <ul>
 *   <li>Changes are made under the world lock ({@code world.lock}, threads and processes) after
 *       reading what others appended; a line is written by one positioned write at the end.
 *   <li>Readers take no lock: they apply only whole lines (with their newline), so a line being
 *       written, or left half-written by a killed process, is never seen. The next change, under
 *       the lock, cuts such a left-over before it appends.
 *   <li>When the log holds more than twice what it describes (changes and deletes of the same VMs
 *       over time), the change that sees it writes a compacted log beside it, renames it into
 *       place, and only then appends {@link WorldRecord.Sealed} to the old one: a reader that
 *       reaches that line opens the file again by its name and reads the new one from the start.
 *   <li>A directory removed or replaced behind a running process is noticed through the world lock,
 *       which opens its file again ({@link WorldLock#generation}): the log is read anew.
 *   <li>Like the files before it, the log is not synced: the sim must survive its callers being
 *       killed, not its machine losing power.
 * </ul>
 */
final class WorldLog {
  static final String FILE = "world.jsonl";
  private static final String LOCK = "world.lock";

  /** Below this size a log is never compacted: reading it costs less than rewriting it. */
  private static final long COMPACT_FROM = 1 << 20;

  private static final ConcurrentMap<Path, WorldLog> BY_DIR = new ConcurrentHashMap<>();

  private final Path dir;
  private final Path file;
  private volatile WorldLock lock;
  private volatile boolean legacyChecked;

  // guarded by this: the open worlds using this log, the file the model was read from, how far,
  // and the model
  private int users;
  private FileChannel channel;
  private boolean writable;
  private long applied;
  private long appliedLines;
  private long lockGeneration;
  private WorldModel model = new WorldModel();

  private WorldLog(Path dir) {
    this.dir = dir;
    this.file = dir.resolve(FILE);
  }

  /** {@return the log of the world in {@code dir}} */
  static WorldLog of(Path dir) {
    return BY_DIR.computeIfAbsent(dir.toAbsolutePath().normalize(), WorldLog::new);
  }

  /** A {@link SimWorld} of this directory was opened: keep what is read until it is closed. */
  synchronized void retain() {
    users++;
  }

  /**
   * A {@link SimWorld} of this directory was closed; the last one drops the file and the model (a
   * world of 100,000 VMs holds ~90 MB), which the next one reads again.
   */
  synchronized void release() {
    if (--users <= 0) {
      users = 0;
      try {
        forget();
      } catch (IOException e) {
        // closing a channel opened for reading and writing positioned lines: nothing to lose
      }
    }
  }

  /** {@return whether anything was ever written in this world} */
  boolean exists() {
    return WorldFiles.exists(file) || LegacyWorld.present(dir);
  }

  /** {@return what {@code query} finds in the world as it is now} */
  <T> T read(Function<WorldModel, T> query) throws IOException {
    migrateLegacy();
    synchronized (this) {
      catchUp(false);
      return query.apply(model);
    }
  }

  /** A change of the world: what it returns, and the records that say what changed. */
  interface Change<T> {
    Changed<T> apply(WorldModel model);
  }

  /** {@return a change's answer and the lines to append for it, none when nothing changed} */
  record Changed<T>(T result, List<WorldRecord> records) {}

  /**
   * {@return the result of {@code change}, made on the world as it is now and appended to the log},
   * under the world lock; creates the world when it is missing
   */
  <T> T write(Change<T> change) throws IOException {
    if (lock == null) {
      Files.createDirectories(dir); // once: the world lock keeps its file open from then on
    }
    migrateLegacy();
    WorldLock worldLock = lock();
    return worldLock.hold(
        () -> {
          synchronized (this) {
            if (channel != null && lockGeneration != worldLock.generation()) {
              forget(); // the directory was replaced since the log was opened
            }
            if (channel != null && !writable) {
              forget(); // opened by a reader that could not write: open it again to write
            }
            catchUp(true);
            Changed<T> changed = change.apply(model);
            for (WorldRecord record : changed.records()) {
              append(record);
            }
            if (applied > COMPACT_FROM && applied > 2 * model.liveBytes()) {
              compact();
            }
            return changed.result();
          }
        });
  }

  /**
   * Applies the lines appended since the last call. Under the world lock ({@code locked}) the log
   * is created when missing, and a last line without its newline is cut: no writer is running, so
   * it was left by one that was killed.
   */
  private void catchUp(boolean locked) throws IOException {
    int seals = 0;
    while (true) {
      if (channel == null && !open(locked)) {
        return; // no log yet: an empty world
      }
      long size = channel.size();
      if (size < applied) {
        forget(); // shorter than what was read: replaced behind our back, read it again
        continue;
      }
      if (size > applied) {
        boolean sealed = applyFrom(size);
        if (sealed) {
          // compacted by another process, which renamed the new log into place first
          if (++seals > 3) {
            throw new IOException("the log " + file + " was compacted again and again while read");
          }
          forget();
          continue;
        }
        if (locked && channel.size() > applied) {
          channel.truncate(applied);
        }
      }
      return;
    }
  }

  /** Applies the whole lines between {@code applied} and {@code size}; true when sealed. */
  private boolean applyFrom(long size) throws IOException {
    if (size - applied > Integer.MAX_VALUE - 16) {
      throw new IOException("the log " + file + " is too large to read (" + size + " bytes)");
    }
    ByteBuffer buffer = ByteBuffer.allocate((int) (size - applied));
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, applied + buffer.position()) < 0) {
        break; // shorter than it was a moment ago: what was read is all there is
      }
    }
    byte[] bytes = buffer.array();
    int end = buffer.position();
    int start = 0;
    for (int i = 0; i < end; i++) {
      if (bytes[i] != '\n') {
        continue;
      }
      long number = appliedLines + 1;
      if (i > start) {
        WorldRecord record = WorldCodec.record(bytes, start, i - start, file + ", line " + number);
        if (record instanceof WorldRecord.Sealed) {
          return true;
        }
        model.apply(record, i - start + 1);
      }
      appliedLines = number;
      applied += i + 1 - start;
      start = i + 1;
    }
    return false;
  }

  private boolean open(boolean create) throws IOException {
    if (!create && !WorldFiles.exists(file)) {
      return false;
    }
    try {
      channel =
          create
              ? FileChannel.open(
                  file,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.READ,
                  StandardOpenOption.WRITE)
              : FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
      writable = true;
    } catch (AccessDeniedException e) {
      if (create) {
        throw e;
      }
      channel = FileChannel.open(file, StandardOpenOption.READ); // a world this user may only read
      writable = false;
    } catch (NoSuchFileException e) {
      return false;
    }
    WorldLock opened = lock;
    lockGeneration = opened == null ? -1 : opened.generation();
    return true;
  }

  /** Drops the file and what was read from it: the next call reads the log from the start. */
  private void forget() throws IOException {
    if (channel != null) {
      FileChannel closing = channel;
      channel = null;
      closing.close();
    }
    applied = 0;
    appliedLines = 0;
    model = new WorldModel();
  }

  /**
   * Appends {@code record} at the end, which {@link #catchUp} under the lock made {@code applied}.
   */
  private void append(WorldRecord record) throws IOException {
    byte[] line = WorldCodec.line(record);
    ByteBuffer buffer = ByteBuffer.allocate(line.length + 1);
    buffer.put(line).put((byte) '\n').flip();
    long at = applied;
    while (buffer.hasRemaining()) {
      at += channel.write(buffer, at);
    }
    model.apply(record, line.length + 1);
    applied = at;
    appliedLines++;
  }

  /**
   * Rewrites the log with one line per VM (after the next id, the down flag and the kept disks),
   * renames it into place, then seals the old one for readers still in it.
   */
  private void compact() throws IOException {
    List<WorldRecord> records = new ArrayList<>();
    records.add(new WorldRecord.Status(model.nextIdNumber(), model.down()));
    if (!model.keptDisks().isEmpty()) {
      records.add(new WorldRecord.KeptDisks(model.keptDisks()));
    }
    for (SimVm vm : model.list()) {
      records.add(new WorldRecord.Put(vm));
    }
    WorldFiles.replace(file, WorldCodec.lines(records));
    ByteBuffer seal = ByteBuffer.wrap(WorldCodec.sealedLine());
    long at = applied;
    while (seal.hasRemaining()) {
      at += channel.write(seal, at);
    }
    forget();
    catchUp(true);
  }

  /**
   * A world written by an earlier vmtree (a file per VM) becomes a log the first time it is used,
   * under the world lock; its old files are removed once the log is in place.
   */
  private void migrateLegacy() throws IOException {
    if (legacyChecked) {
      return;
    }
    if (!WorldFiles.exists(file) && LegacyWorld.present(dir)) {
      lock()
          .hold(
              () -> {
                synchronized (this) {
                  if (!WorldFiles.exists(file)) {
                    LegacyWorld.migrate(dir, file);
                    forget();
                  }
                }
                return null;
              });
    }
    legacyChecked = true;
  }

  private WorldLock lock() throws IOException {
    WorldLock current = lock;
    if (current == null) {
      current = WorldLock.of(dir, LOCK);
      lock = current;
    }
    return current;
  }
}
