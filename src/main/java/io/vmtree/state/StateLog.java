package io.vmtree.state;

import io.vmtree.ops.LineLog;
import io.vmtree.tree.TreePath;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;

/**
 * The write-ahead log of descriptor writes ({@code DIR/wal.jsonl}), kept while the lock is held.
 *
 * <p>Why: an apply writes each descriptor two or three times per VM, and an fsync per write made
 * the disk, not the hypervisor, the limit of a parallel apply. Under the lock, a write first
 * appends the whole descriptor as one line here (group-committed: parallel writers share one
 * fsync), then replaces the descriptor's file atomically without its own fsync. The log is what
 * makes the write durable; the files are made durable in one go when the lock is released, and then
 * the log is emptied. Readers lay the log over the files, so a log left by a process killed (or a
 * machine that lost power) before that point is never lost: the next holder of the lock writes its
 * records into the files durably before it empties it.
 *
 * <p>A line is either a descriptor exactly as its file holds it (on one line), or {@code
 * {"format_version": 1, "removed": "/full/name"}}; the last line of a path wins.
 */
final class StateLog {
  private final LineLog log;

  StateLog(Path file) {
    this.log = new LineLog(file, StateLog::complete);
  }

  /** {@return the log file} */
  Path file() {
    return log.file();
  }

  /**
   * Appends {@code descriptor} and returns at once: the line is on disk after {@link #syncUpTo}
   * with the returned position, or any later sync.
   *
   * @return the end of the line in the log
   */
  long write(DescriptorState descriptor) {
    try {
      return log.write(StateCodec.encodeDescriptorLine(descriptor));
    } catch (IOException e) {
      throw new StateException(
          "cannot write the state log " + log.file() + ": " + LineLog.reason(e), e);
    }
  }

  /** Puts every line up to {@code end} on disk (group commit). */
  void syncUpTo(long end) {
    try {
      log.syncUpTo(end);
    } catch (IOException e) {
      throw new StateException(
          "cannot sync the state log " + log.file() + ": " + LineLog.reason(e), e);
    }
  }

  /** Puts every line appended so far on disk. */
  void sync() {
    try {
      log.sync();
    } catch (IOException e) {
      throw new StateException(
          "cannot sync the state log " + log.file() + ": " + LineLog.reason(e), e);
    }
  }

  /** Appends the removal of {@code fullName}; returns once the line is on disk. */
  void remove(TreePath fullName) {
    append(StateCodec.encodeRemovedLine(fullName));
  }

  private void append(byte[] line) {
    try {
      log.append(line);
    } catch (IOException e) {
      throw new StateException(
          "cannot write the state log " + log.file() + ": " + LineLog.reason(e), e);
    }
  }

  /** {@return true when the log holds no record} */
  boolean isEmpty() {
    try {
      return log.isEmpty();
    } catch (IOException e) {
      throw new StateException(
          "cannot read the state log " + log.file() + ": " + LineLog.reason(e), e);
    }
  }

  /**
   * {@return the last record of each path the log names, in log order}: a descriptor, or empty for
   * a removal
   *
   * @throws StateException naming the file and line for a line that is not a record
   */
  Map<TreePath, Optional<DescriptorState>> records() {
    Map<TreePath, Optional<DescriptorState>> records = new LinkedHashMap<>();
    try {
      for (LineLog.Line line : log.lines()) {
        byte[] bytes =
            Arrays.copyOfRange(line.bytes(), line.offset(), line.offset() + line.length());
        Map.Entry<TreePath, Optional<DescriptorState>> record =
            StateCodec.decodeLogLine(Path.of(log.file() + ":" + line.number()), bytes);
        // re-inserted so that the map's order is the order of each path's last record
        records.remove(record.getKey());
        records.put(record.getKey(), record.getValue());
      }
    } catch (IOException e) {
      throw new StateException(
          "cannot read the state log " + log.file() + ": " + LineLog.reason(e), e);
    }
    return records;
  }

  /** Lays the log's records over {@code descriptors}, as read from their files. */
  void overlay(NavigableMap<TreePath, DescriptorState> descriptors) {
    if (isEmpty()) {
      return;
    }
    records()
        .forEach(
            (path, record) -> {
              if (record.isPresent()) {
                descriptors.put(path, record.get());
              } else {
                descriptors.remove(path);
              }
            });
  }

  /** Empties the log; only once every record is durably in the files. */
  void truncate() {
    try {
      log.truncate();
    } catch (IOException e) {
      throw new StateException(
          "cannot empty the state log " + log.file() + ": " + LineLog.reason(e), e);
    }
  }

  private static boolean complete(byte[] line) {
    try {
      StateCodec.decodeLogLine(Path.of("wal"), line);
      return true;
    } catch (StateException e) {
      return false;
    }
  }
}
