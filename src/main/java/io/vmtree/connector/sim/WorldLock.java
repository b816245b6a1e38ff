package io.vmtree.connector.sim;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lock of one world directory, held only for the short publishing step of a change. A file
 * lock on {@code world.lock} excludes other processes. File locks belong to the whole JVM (a second
 * overlapping one throws, and closing any channel of the file may drop them all), so there is one
 * instance per directory in a JVM: its threads queue on an in-memory lock, and its channel stays
 * open, which also keeps opening and closing the file out of the serialized step.
 */
final class WorldLock {
  private static final ConcurrentMap<Path, WorldLock> BY_DIR = new ConcurrentHashMap<>();

  private final Path lockFile;
  private final ReentrantLock inJvm = new ReentrantLock();
  private FileChannel channel;

  private WorldLock(Path dir) {
    this.lockFile = dir.resolve("world.lock");
  }

  /** {@return the lock of the existing directory {@code dir}} */
  static WorldLock of(Path dir) throws IOException {
    return BY_DIR.computeIfAbsent(dir.toRealPath(), WorldLock::new);
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
      if (channel == null || !channel.isOpen()) {
        channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      }
      try (FileLock ignored = channel.lock()) {
        return step.run();
      }
    } finally {
      inJvm.unlock();
    }
  }
}
