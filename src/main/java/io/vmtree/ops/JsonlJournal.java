package io.vmtree.ops;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The journal as a JSON Lines file: one line per {@link #append}, with the keys {@code id, type,
 * targets, submitted, started, finished, status, result, error}. Each line is synced before {@code
 * append} returns. A last line without its newline is what a writer killed mid-line leaves: {@link
 * #list} skips it, and the next append first completes or cuts it.
 */
public final class JsonlJournal implements Journal {
  private static final int CHUNK = 8192;

  private final Path file;
  private final Object syncLock = new Object();
  // guarded by this: the open append channel and the bytes written through it
  private FileChannel channel;
  private long written;
  // guarded by syncLock: the bytes known to be on disk
  private long synced;

  /** A journal in {@code file}; nothing is created until the first append. */
  public JsonlJournal(Path file) {
    this.file = Objects.requireNonNull(file, "file");
  }

  /** {@return the journal file} */
  public Path file() {
    return file;
  }

  /**
   * Appends under a short lock, then syncs by group commit: one {@code force} covers every line
   * written before it, so parallel steps do not queue behind each other's fsync.
   */
  @Override
  public void append(Operation operation) {
    byte[] line = OperationJson.encode(Objects.requireNonNull(operation, "operation"));
    FileChannel channel;
    long end;
    try {
      synchronized (this) {
        channel = open();
        ByteBuffer buffer = ByteBuffer.wrap(line);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        written += line.length;
        end = written;
      }
      synchronized (syncLock) {
        if (synced < end) {
          long upTo;
          synchronized (this) {
            upTo = written;
          }
          channel.force(false);
          synced = upTo;
        }
      }
    } catch (IOException e) {
      synchronized (this) {
        closeQuietly();
      }
      throw new JournalException("cannot append to journal " + file + ": " + reason(e), e);
    }
  }

  private FileChannel open() throws IOException {
    if (channel != null) {
      return channel;
    }
    repairTail();
    Path dir = file.toAbsolutePath().getParent();
    boolean created = !Files.exists(file);
    Files.createDirectories(dir);
    channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    written = channel.size();
    synced = written;
    if (created) {
      syncDirectory(dir);
    }
    return channel;
  }

  private void closeQuietly() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // the channel is being dropped after a failure already reported
      }
      channel = null;
    }
  }

  @Override
  public List<Operation> list() {
    return List.copyOf(fold().values());
  }

  @Override
  public Optional<Operation> get(long id) {
    return Optional.ofNullable(fold().get(id));
  }

  private SortedMap<Long, Operation> fold() {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new TreeMap<>();
    } catch (IOException e) {
      throw new JournalException("cannot read journal " + file + ": " + reason(e), e);
    }
    SortedMap<Long, Operation> operations = new TreeMap<>();
    int start = 0;
    for (int lineNumber = 1; start < bytes.length; lineNumber++) {
      int end = indexOf(bytes, (byte) '\n', start);
      boolean terminated = end >= 0;
      int stop = terminated ? end : bytes.length;
      if (!blank(bytes, start, stop)) {
        try {
          Operation op = OperationJson.decode(bytes, start, stop - start);
          operations.put(op.id(), op);
        } catch (OperationJson.BadLine e) {
          if (terminated) {
            throw new JournalException(
                "corrupt journal line " + file + ":" + lineNumber + ": " + e.getMessage(), e);
          }
        }
      }
      start = stop + 1;
    }
    return operations;
  }

  /** Completes or cuts a last line left without its newline by a writer killed mid-line. */
  private void repairTail() throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = channel.size();
      if (size == 0 || byteAt(channel, size - 1) == '\n') {
        return;
      }
      long lineStart = lastLineStart(channel, size);
      ByteBuffer tail = ByteBuffer.allocate(Math.toIntExact(size - lineStart));
      readFully(channel, tail, lineStart);
      if (parses(tail.array())) {
        channel.write(ByteBuffer.wrap(new byte[] {'\n'}), size);
      } else {
        channel.truncate(lineStart);
      }
      channel.force(false);
    }
  }

  private static boolean parses(byte[] line) {
    try {
      OperationJson.decode(line, 0, line.length);
      return true;
    } catch (OperationJson.BadLine e) {
      return false;
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

  private static String reason(IOException e) {
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
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // some filesystems cannot sync a directory; the file itself is synced
    }
  }
}
