package io.vmtree.ops;

import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * An append-only file of lines, durable line by line: {@link #append} returns once its line is on
 * disk. Parallel appends share one {@code fdatasync} (group commit), so a hundred threads appending
 * at once cost a few syncs, not a hundred. A last line without its newline is what a writer killed
 * mid-line leaves: {@link #lines} skips it, and the next append first completes or cuts it.
 *
 * <p>The journal of operations and the state's write-ahead log are both line logs.
 */
public final class LineLog {
  private static final int CHUNK = 8192;

  private final Path file;
  private final Predicate<byte[]> complete;
  // guarded by this: the file open for appending, its channel (for syncs) and the bytes written.
  // Lines are written through the stream: a FileChannel copies each heap buffer into a direct
  // buffer of the writing thread first (in the first turn of an apply, fifty threads doing that in
  // interpreted code was a sixth of the steps' CPU, under this lock), and is closed for every
  // thread when a writing thread is interrupted
  private FileOutputStream appending;
  private FileChannel channel;
  private long written;
  // the bytes known to be on disk; raised only by the thread that runs the sync in flight
  private volatile long synced;
  // the sync in flight, completed when it returns; null when none runs
  private final AtomicReference<CompletableFuture<Void>> inFlight = new AtomicReference<>();

  /**
   * A log in {@code file}; nothing is created until the first append.
   *
   * @param complete tells whether a last line left without its newline is whole (then it is kept
   *     and terminated) or torn (then it is cut)
   */
  public LineLog(Path file, Predicate<byte[]> complete) {
    this.file = Objects.requireNonNull(file, "file");
    this.complete = Objects.requireNonNull(complete, "complete");
  }

  /** {@return the file} */
  public Path file() {
    return file;
  }

  /**
   * Appends {@code line} (without its newline) and returns once it is on disk: written under a
   * short lock, then synced by group commit — one {@code force} covers every line written before
   * it, so parallel appends do not queue behind each other's fsync.
   *
   * @throws IOException when the file cannot be written; the channel is dropped, the next append
   *     reopens it
   */
  public void append(byte[] line) throws IOException {
    syncUpTo(write(line));
  }

  /**
   * Appends {@code line} (without its newline) and returns at once: readers see it, and it is on
   * disk after the next {@link #append} or {@link #sync} of this log returns.
   *
   * @return the end of the line in the file
   */
  public long write(byte[] line) throws IOException {
    byte[] terminated = new byte[line.length + 1];
    System.arraycopy(line, 0, terminated, 0, line.length);
    terminated[line.length] = '\n';
    try {
      synchronized (this) {
        open().write(terminated);
        written += terminated.length;
        return written;
      }
    } catch (IOException | RuntimeException e) {
      synchronized (this) {
        closeQuietly();
      }
      throw e;
    }
  }

  /** Puts every line written so far on disk. */
  public void sync() throws IOException {
    long end;
    synchronized (this) {
      if (channel == null) {
        return;
      }
      end = written;
    }
    syncUpTo(end);
  }

  /**
   * Puts every line up to {@code end} (a value {@link #write} returned) on disk.
   *
   * <p>One thread at a time syncs, for everyone: it covers every line written when it starts. The
   * others wait for that sync to end, all released at once, and check whether it covered them;
   * those it did not (written after it started) elect the next. Waiting on a lock instead released
   * them one by one, each handing the lock to the next: under load that queue, not the disk, was
   * most of the wait.
   */
  public void syncUpTo(long end) throws IOException {
    while (synced < end) {
      CompletableFuture<Void> running = inFlight.get();
      if (running != null) {
        running.join(); // never completes exceptionally
        continue;
      }
      CompletableFuture<Void> mine = new CompletableFuture<>();
      if (inFlight.compareAndSet(null, mine)) {
        try {
          syncEverythingWritten();
        } finally {
          inFlight.set(null);
          mine.complete(null);
        }
      }
    }
  }

  private void syncEverythingWritten() throws IOException {
    try {
      FileChannel open;
      long upTo;
      synchronized (this) {
        open = channel;
        upTo = written;
      }
      if (open == null) {
        throw new IOException("the log was closed before its lines were synced");
      }
      open.force(false);
      synced = upTo;
    } catch (IOException | RuntimeException e) {
      synchronized (this) {
        closeQuietly();
      }
      throw e;
    }
  }

  /**
   * {@return every line, in order, without newlines}: a last line without its newline counts only
   * when it is complete (a writer killed between the line and its newline), not when it is torn or
   * still being written; blank lines are skipped
   */
  public List<Line> lines() throws IOException {
    Read read = readFrom(new Position(0, 1));
    if (read.unterminated() == null) {
      return read.lines();
    }
    List<Line> lines = new ArrayList<>(read.lines());
    lines.add(read.unterminated());
    return lines;
  }

  /**
   * {@return the lines after {@code from}}: for a reader that keeps what it read and, next time,
   * reads only what was appended since. {@link Read#end} is after the last newline, so a line still
   * being written is read again whole next time; a file that got shorter than {@code from} (or is
   * gone) is read from its start ({@link Read#restarted}).
   */
  public Read readFrom(Position from) throws IOException {
    byte[] bytes;
    boolean restarted = false;
    try (FileChannel reading = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = reading.size();
      if (size < from.offset()) {
        from = new Position(0, 1);
        restarted = true;
      }
      bytes = new byte[Math.toIntExact(size - from.offset())];
      readFully(reading, ByteBuffer.wrap(bytes), from.offset());
    } catch (NoSuchFileException e) {
      return new Read(List.of(), null, new Position(0, 1), from.offset() > 0);
    }
    List<Line> lines = new ArrayList<>();
    Line unterminated = null;
    int start = 0;
    int number = from.number();
    while (start < bytes.length) {
      int end = indexOf(bytes, (byte) '\n', start);
      if (end < 0) {
        byte[] tail = java.util.Arrays.copyOfRange(bytes, start, bytes.length);
        if (!blank(tail, 0, tail.length) && complete.test(tail)) {
          unterminated = new Line(number, tail, 0, tail.length);
        }
        break;
      }
      if (!blank(bytes, start, end)) {
        lines.add(new Line(number, bytes, start, end - start));
      }
      number++;
      start = end + 1;
    }
    return new Read(lines, unterminated, new Position(from.offset() + start, number), restarted);
  }

  /**
   * Where a read stopped: after the newline at byte {@code offset}, the next line being {@code
   * number} (1-based).
   */
  public record Position(long offset, int number) {}

  /**
   * What {@link #readFrom} read.
   *
   * @param lines the lines ended by a newline, blank ones skipped
   * @param unterminated a last line without its newline that is complete, or null
   * @param end where the next read starts: after the last newline
   * @param restarted true when the file was read from its start because it got shorter
   */
  public record Read(List<Line> lines, Line unterminated, Position end, boolean restarted) {}

  /** Empties the log durably; only for its single writer, when nothing appends. */
  public synchronized void truncate() throws IOException {
    closeQuietly();
    if (!Files.exists(file)) {
      return;
    }
    try (FileChannel truncating = FileChannel.open(file, StandardOpenOption.WRITE)) {
      truncating.truncate(0);
      truncating.force(true);
    }
  }

  /** {@return true when the log has no bytes (or no file)} */
  public boolean isEmpty() throws IOException {
    try {
      return Files.size(file) == 0;
    } catch (NoSuchFileException e) {
      return true;
    }
  }

  /** Closes the append channel; a later append reopens it. */
  public synchronized void close() {
    closeQuietly();
  }

  /**
   * One line of the log.
   *
   * @param number its 1-based line number in the file
   */
  public record Line(int number, byte[] bytes, int offset, int length) {}

  private FileOutputStream open() throws IOException {
    if (appending != null) {
      return appending;
    }
    repairTail();
    Path dir = file.toAbsolutePath().getParent();
    boolean created = !Files.exists(file);
    Files.createDirectories(dir);
    FileOutputStream opened;
    try {
      opened = new FileOutputStream(file.toFile(), true); // O_APPEND
    } catch (FileNotFoundException e) {
      // "PATH (Permission denied)": said as the NIO calls say it, for reason()
      String message = String.valueOf(e.getMessage());
      int open = message.lastIndexOf(" (");
      String why =
          open < 0 || !message.endsWith(")")
              ? message
              : message.substring(open + 2, message.length() - 1);
      throw new FileSystemException(file.toString(), null, why);
    }
    try {
      written = opened.getChannel().size();
    } catch (IOException e) {
      opened.close();
      throw e;
    }
    appending = opened;
    channel = opened.getChannel();
    synced = written;
    if (created) {
      syncDirectory(dir);
    }
    return appending;
  }

  private void closeQuietly() {
    if (appending != null) {
      try {
        appending.close(); // and its channel
      } catch (IOException ignored) {
        // the file is being dropped after a failure already reported, or at the end
      }
      appending = null;
      channel = null;
    }
  }

  /** Completes or cuts a last line left without its newline by a writer killed mid-line. */
  private void repairTail() throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    try (FileChannel repairing =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = repairing.size();
      if (size == 0 || byteAt(repairing, size - 1) == '\n') {
        return;
      }
      long lineStart = lastLineStart(repairing, size);
      ByteBuffer tail = ByteBuffer.allocate(Math.toIntExact(size - lineStart));
      readFully(repairing, tail, lineStart);
      if (complete.test(tail.array())) {
        repairing.write(ByteBuffer.wrap(new byte[] {'\n'}), size);
      } else {
        repairing.truncate(lineStart);
      }
      repairing.force(false);
    }
  }

  private static long lastLineStart(FileChannel channel, long size) throws IOException {
    ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
    long end = size;
    while (end > 0) {
      long begin = Math.max(0, end - CHUNK);
      chunk.clear().limit((int) (end - begin));
      readFully(channel, chunk, begin);
      for (int i = chunk.limit() - 1; i >= 0; i--) {
        if (chunk.get(i) == '\n') {
          return begin + i + 1;
        }
      }
      end = begin;
    }
    return 0;
  }

  private static byte byteAt(FileChannel channel, long position) throws IOException {
    ByteBuffer one = ByteBuffer.allocate(1);
    readFully(channel, one, position);
    return one.get(0);
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position)
      throws IOException {
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position()) < 0) {
        throw new IOException("the file shrank while it was read");
      }
    }
  }

  /** {@return why {@code e} happened, in a few lowercase words} */
  public static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason().toLowerCase(Locale.ROOT);
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static int indexOf(byte[] bytes, byte b, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private static boolean blank(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!Character.isWhitespace(bytes[i])) {
        return false;
      }
    }
    return true;
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel dirChannel = FileChannel.open(dir, StandardOpenOption.READ)) {
      dirChannel.force(true);
    } catch (IOException e) {
      // some filesystems cannot sync a directory; the file itself is synced
    }
  }
}
