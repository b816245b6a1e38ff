package io.vmtree.connector.sim;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
 *   <li>Every call first looks at the log by its name (one stat): another size means lines to read;
 *       another file (a compaction by another process, a directory removed and made again, a copy
 *       put back) means reading the log again from the start. A change under the lock therefore
 *       never appends to a file that is no longer the world's.
 *   <li>When the log holds more than twice what it describes (changes and deletes of the same VMs
 *       over time), the change that sees it writes a compacted log beside it and renames it into
 *       place. That is housekeeping: when it fails, the change is made all the same.
 *   <li>The file is read and written through {@link RandomAccessFile}, which an interrupted thread
 *       does not close, unlike a {@code FileChannel}: one thread's interrupt must not take the
 *       world away from every other thread of the JVM.
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

  // guarded by this: the open worlds using this log; the file the model was read from (its key,
  // a handle to read it and, once a change was made, one to write it); how far it was read; the
  // model; and from which size a failed compaction is tried again
  private int users;
  private Object fileKey;
  private RandomAccessFile reader;
  private RandomAccessFile writer;
  private long applied;
  private long appliedLines;
  private WorldModel model = new WorldModel();
  private long compactFrom = COMPACT_FROM;

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
      forget();
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
    return lock()
        .hold(
            () -> {
              synchronized (this) {
                catchUp(true);
                Changed<T> changed = change.apply(model);
                for (WorldRecord record : changed.records()) {
                  append(record);
                }
                if (applied > compactFrom && applied > 2 * model.liveBytes()) {
                  compact();
                }
                return changed.result();
              }
            });
  }

  /**
   * Applies the lines appended since the last call, after checking by the log's name that it is
   * still the file read so far. Under the world lock ({@code locked}) the log is created when
   * missing, and a last line without its newline is cut: no writer is running, so it was left by
   * one that was killed.
   */
  private void catchUp(boolean locked) throws IOException {
    BasicFileAttributes now = attributes();
    if (now == null) {
      forget(); // no log (any more): an empty world, or a new one
      if (!locked) {
        return;
      }
      writer().setLength(0); // creates it
      now = Objects.requireNonNull(attributes(), "the log vanished while it was created");
      fileKey = now.fileKey(); // the file just made, empty: nothing to read again
    }
    if (!now.fileKey().equals(fileKey) || now.size() < applied) {
      forget(); // another file than the one read so far, or cut shorter: read it from the start
      fileKey = now.fileKey();
    }
    long size = now.size();
    if (size > applied) {
      applyFrom(size);
    }
    if (locked && size > applied) {
      writer().setLength(applied);
    }
  }

  private BasicFileAttributes attributes() throws IOException {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** Applies the whole lines between {@code applied} and {@code size}. */
  private void applyFrom(long size) throws IOException {
    if (size - applied > Integer.MAX_VALUE - 16) {
      throw new IOException("the log " + file + " is too large to read (" + size + " bytes)");
    }
    if (reader == null) {
      reader = new RandomAccessFile(file.toFile(), "r");
    }
    byte[] bytes = new byte[(int) (size - applied)];
    reader.seek(applied);
    int end = 0;
    while (end < bytes.length) {
      int read = reader.read(bytes, end, bytes.length - end);
      if (read < 0) {
        break; // shorter than a moment ago: what was read is all there is
      }
      end += read;
    }
    int start = 0;
    for (int i = 0; i < end; i++) {
      if (bytes[i] != '\n') {
        continue;
      }
      long number = appliedLines + 1;
      if (i > start) {
        model.apply(
            WorldCodec.record(bytes, start, i - start, file + ", line " + number), i - start + 1);
      }
      appliedLines = number;
      applied += i + 1 - start;
      start = i + 1;
    }
  }

  private RandomAccessFile writer() throws IOException {
    if (writer == null) {
      writer = new RandomAccessFile(file.toFile(), "rw");
    }
    return writer;
  }

  /** Drops the file and what was read from it: the next call reads the log from the start. */
  private void forget() {
    closeQuietly(reader);
    closeQuietly(writer);
    reader = null;
    writer = null;
    fileKey = null;
    applied = 0;
    appliedLines = 0;
    model = new WorldModel();
    compactFrom = COMPACT_FROM;
  }

  private static void closeQuietly(RandomAccessFile handle) {
    if (handle != null) {
      try {
        handle.close();
      } catch (IOException e) {
        // a handle read or written with positioned calls only: nothing buffered to lose
      }
    }
  }

  /**
   * Appends {@code record} at the end, which {@link #catchUp} under the lock made {@code applied}.
   */
  private void append(WorldRecord record) throws IOException {
    byte[] line = WorldCodec.line(record);
    byte[] terminated = new byte[line.length + 1];
    System.arraycopy(line, 0, terminated, 0, line.length);
    terminated[line.length] = '\n';
    RandomAccessFile out = writer();
    out.seek(applied);
    out.write(terminated);
    model.apply(record, terminated.length);
    applied += terminated.length;
    appliedLines++;
  }

  /**
   * Rewrites the log with one line per VM (after the next id, the down flag and the kept disks) and
   * renames it into place; others see the new file at their next call. Best effort: should it fail
   * (a full disk), the change that triggered it is made already, and it is tried again once the log
   * has grown by as much again.
   */
  private void compact() {
    List<WorldRecord> records = new ArrayList<>();
    records.add(new WorldRecord.Status(model.nextIdNumber(), model.down()));
    if (!model.keptDisks().isEmpty()) {
      records.add(new WorldRecord.KeptDisks(model.keptDisks()));
    }
    for (SimVm vm : model.list()) {
      records.add(new WorldRecord.Put(vm));
    }
    try {
      WorldFiles.replace(file, WorldCodec.lines(records));
    } catch (IOException | RuntimeException e) {
      compactFrom = applied + COMPACT_FROM;
      return;
    }
    forget(); // the next call reads the compacted log
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
