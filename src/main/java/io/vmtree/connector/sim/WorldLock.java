package io.vmtree.connector.sim;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A lock of a world directory, held only for short steps. A file lock excludes other processes.
 * File locks belong to the whole JVM (a second overlapping one throws, and closing any channel of
 * the file may drop them all), so there is one instance per lock file in a JVM: its threads queue
 * on an in-memory lock, and its channel stays open, which also keeps opening and closing the file
 * out of the serialized step.
 */
final class WorldLock {
  private static final ConcurrentMap<Path, WorldLock> BY_FILE = new ConcurrentHashMap<>();

  private final Path lockFile;
  private final ReentrantLock inJvm = new ReentrantLock();
  private FileChannel channel;
  private Object openedKey;

  private WorldLock(Path lockFile) {
    this.lockFile = lockFile;
  }

  /** {@return the lock kept in the file {@code name} of the existing directory {@code dir}} */
  static WorldLock of(Path dir, String name) throws IOException {
    return BY_FILE.computeIfAbsent(dir.toRealPath().resolve(name), WorldLock::new);
  }

  /** A step run while holding the lock. */
  @FunctionalInterface
  interface Step<T> {
    T run() throws IOException;
  }

  /** {@return the result of {@code step}, run while no other thread or process holds the lock} */
  <T> T hold(Step<T> step) throws IOException {
    if (inJvm.isHeldByCurrentThread()) {
      throw new IllegalStateException("world lock taken twice by one thread: " + lockFile);
    }
    inJvm.lock();
    try {
      while (true) {
        if (channel == null || !channel.isOpen()) {
          reopen();
        }
        try (FileLock ignored = channel.lock()) {
          // checked once locked, not before: a file replaced in between would be locked here
          // while another process locks its successor, and neither would exclude the other
          if (Objects.equals(openedKey, fileKey())) {
            return step.run();
          }
        }
        reopen();
      }
    } finally {
      inJvm.unlock();
    }
  }

  /**
   * A lock file deleted or replaced since it was opened would no longer exclude anyone. A world
   * whose directory was removed behind a running process (a long-lived service) is made again, as a
   * new process would make it.
   */
  private void reopen() throws IOException {
    if (channel != null) {
      channel.close();
    }
    try {
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (NoSuchFileException directoryGone) {
      Files.createDirectories(lockFile.getParent());
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }
    openedKey = fileKey();
  }

  private Object fileKey() throws IOException {
    try {
      return Files.readAttributes(lockFile, BasicFileAttributes.class).fileKey();
    } catch (NoSuchFileException e) {
      return null;
    }
  }
}
