package io.vmtree.ops;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The journal as a JSON Lines file: one line per {@link #append}, with the keys {@code id, type,
 * targets, submitted, started, finished, status, result, error}. Each line is on disk before {@code
 * append} returns (a {@link LineLog}: parallel appends share their fsync). The last line of an id
 * is its current record.
 *
 * <p>What was read is kept: a later {@link #list} or {@link #get} reads only the lines appended
 * since, so a long-running service's reads and applies do not slow down as its journal grows (it
 * kept decoding every line, which took an apply's preparation 0.9 s after 2,000 steps).
 */
public final class JsonlJournal implements Journal {
  private final LineLog log;
  // guarded by this: the current record of every operation in the lines read so far, and where
  // they end
  private final TreeMap<Long, Operation> folded = new TreeMap<>();
  private LineLog.Position foldedUpTo = new LineLog.Position(0, 1);

  /** A journal in {@code file}; nothing is created until the first append. */
  public JsonlJournal(Path file) {
    this.log = new LineLog(file, JsonlJournal::parses);
  }

  /** {@return the journal file} */
  public Path file() {
    return log.file();
  }

  @Override
  public void append(Operation operation) {
    byte[] line = OperationJson.encode(Objects.requireNonNull(operation, "operation"));
    try {
      log.append(line);
    } catch (IOException e) {
      throw new JournalException(
          "cannot append to journal " + log.file() + ": " + LineLog.reason(e), e);
    }
  }

  @Override
  public void appendDeferred(Operation operation) {
    byte[] line = OperationJson.encode(Objects.requireNonNull(operation, "operation"));
    try {
      log.write(line);
    } catch (IOException e) {
      throw new JournalException(
          "cannot append to journal " + log.file() + ": " + LineLog.reason(e), e);
    }
  }

  @Override
  public void sync() {
    try {
      log.sync();
    } catch (IOException e) {
      throw new JournalException("cannot sync journal " + log.file() + ": " + LineLog.reason(e), e);
    }
  }

  @Override
  public List<Operation> list() {
    synchronized (this) {
      Operation last = fold();
      if (last == null) {
        return List.copyOf(folded.values());
      }
      TreeMap<Long, Operation> withLast = new TreeMap<>(folded);
      withLast.put(last.id(), last);
      return List.copyOf(withLast.values());
    }
  }

  @Override
  public Optional<Operation> get(long id) {
    synchronized (this) {
      Operation last = fold();
      return last != null && last.id() == id
          ? Optional.of(last)
          : Optional.ofNullable(folded.get(id));
    }
  }

  @Override
  public void catchUp() {
    synchronized (this) {
      fold();
    }
  }

  /**
   * Folds the lines appended since the last call into {@link #folded}; {@return a complete last
   * line left without its newline}, decoded (it is not kept: its newline may still come), or null
   */
  private Operation fold() {
    LineLog.Read read;
    try {
      read = log.readFrom(foldedUpTo);
    } catch (IOException e) {
      throw new JournalException("cannot read journal " + log.file() + ": " + LineLog.reason(e), e);
    }
    if (read.restarted()) {
      folded.clear();
    }
    for (LineLog.Line line : read.lines()) {
      Operation op = decode(line);
      folded.put(op.id(), op);
    }
    foldedUpTo = read.end();
    return read.unterminated() == null ? null : decode(read.unterminated());
  }

  private Operation decode(LineLog.Line line) {
    try {
      return OperationJson.decode(line.bytes(), line.offset(), line.length());
    } catch (OperationJson.BadLine e) {
      throw new JournalException(
          "corrupt journal line " + log.file() + ":" + line.number() + ": " + e.getMessage(), e);
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
}
