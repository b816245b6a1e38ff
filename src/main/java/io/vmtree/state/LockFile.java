package io.vmtree.state;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code lock.json}: whoever creates it holds the state lock. Creation is exclusive on every local
 * filesystem ({@code CREATE_NEW}), so two processes never both hold it.
 */
final class LockFile {
  private static final int ATTEMPTS = 20;
  private static final long PAUSE_MILLIS = 50;

  private final Path file;

  LockFile(Path file) {
    this.file = file;
  }

  /** {@return the lock, created with {@code who} in it; at once a LockedException if held} */
  StateBackend.StateLock acquire(LockInfo who) {
    byte[] content = StateCodec.encodeLock(who);
    for (int attempt = 1; ; attempt++) {
      if (create(content)) {
        AtomicFiles.syncDirectory(file.getParent());
        return new Held(who);
      }
      Optional<LockInfo> holder = holder();
      if (holder.isPresent()) {
        throw new LockedException(holder.get());
      }
      if (attempt == ATTEMPTS) {
        throw new StateException("cannot lock the state: " + file + " keeps coming and going");
      }
    }
  }

  private boolean create(byte[] content) {
    try {
      Files.createDirectories(file.getParent());
      try (FileChannel channel =
          FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        try {
          AtomicFiles.writeFully(channel, content);
          channel.force(true);
        } catch (IOException e) {
          Files.deleteIfExists(file);
          throw e;
        }
      }
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      throw new StateException("cannot create lock file " + file + ": " + AtomicFiles.reason(e), e);
    }
  }

  /**
   * {@return who holds the lock, if anyone}
   *
   * @throws StateException when the file stays unreadable
   */
  Optional<LockInfo> holder() {
    for (int attempt = 1; ; attempt++) {
      byte[] bytes = AtomicFiles.readIfExists(file);
      if (bytes == null) {
        return Optional.empty();
      }
      try {
        return Optional.of(StateCodec.decodeLock(file, bytes));
      } catch (StateException e) {
        // the holder may be between creating the file and writing it: give it a moment
        if (attempt == ATTEMPTS) {
          throw new StateException(
              "the state is locked, but "
                  + e.getMessage()
                  + "; if no vmtree is running on this state, delete "
                  + file,
              e);
        }
        pause();
      }
    }
  }

  /** Removes the lock with id {@code id}. */
  void forceUnlock(String id) {
    LockInfo holder = holder().orElseThrow(() -> new StateException("the state is not locked"));
    if (!holder.id().equals(id)) {
      throw new StateException(
          "no lock with id " + id + "; the state is locked: " + holder.describe());
    }
    delete();
  }

  private void delete() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new StateException("cannot delete lock file " + file + ": " + AtomicFiles.reason(e), e);
    }
    AtomicFiles.syncDirectory(file.getParent());
  }

  private static void pause() {
    try {
      Thread.sleep(PAUSE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StateException("interrupted while reading the state lock", e);
    }
  }

  private final class Held implements StateBackend.StateLock {
    private final LockInfo info;
    private final AtomicBoolean open = new AtomicBoolean(true);

    Held(LockInfo info) {
      this.info = info;
    }

    @Override
    public LockInfo info() {
      return info;
    }

    @Override
    public void close() {
      if (open.getAndSet(false) && holder().map(h -> h.id().equals(info.id())).orElse(false)) {
        delete();
      }
    }
  }
}
