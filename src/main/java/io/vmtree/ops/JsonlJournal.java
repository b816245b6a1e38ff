package io.vmtree.ops;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The journal as a JSON Lines file: one line per {@link #append}, with the keys {@code id, type,
 * targets, submitted, started, finished, status, result, error}. Each line is on disk before {@code
 * append} returns (a {@link LineLog}: parallel appends share their fsync). The last line of an id
 * is its current record.
 */
public final class JsonlJournal implements Journal {
  private final LineLog log;

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
    return List.copyOf(fold().values());
  }

  @Override
  public Optional<Operation> get(long id) {
    return Optional.ofNullable(fold().get(id));
  }

  private SortedMap<Long, Operation> fold() {
    List<LineLog.Line> lines;
    try {
      lines = log.lines();
    } catch (IOException e) {
      throw new JournalException("cannot read journal " + log.file() + ": " + LineLog.reason(e), e);
    }
    SortedMap<Long, Operation> operations = new TreeMap<>();
    for (LineLog.Line line : lines) {
      try {
        Operation op = OperationJson.decode(line.bytes(), line.offset(), line.length());
        operations.put(op.id(), op);
      } catch (OperationJson.BadLine e) {
        throw new JournalException(
            "corrupt journal line " + log.file() + ":" + line.number() + ": " + e.getMessage(), e);
      }
    }
    return operations;
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
