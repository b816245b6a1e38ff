package io.vmtree.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Crash-safe file writes: a reader sees the old content or the new one, never a torn file, and the
 * new content survives a power loss once {@link #write} returns.
 */
final class AtomicFiles {
  private static final String TEMP_MARK = ".tmp-";
  private static final int ATTEMPTS = 5;

  private AtomicFiles() {}

  /**
   * Replaces {@code target} with {@code content}: a temp file beside it, synced, renamed over it;
   * for a new file, the directory synced too. Creates the parent directories.
   *
   * @throws StateException naming the file when it cannot be written
   */
  static void write(Path target, byte[] content) {
    write(target, content, true);
  }

  /**
   * Replaces {@code target} with {@code content} atomically, as {@link #write(Path, byte[])}; when
   * not {@code durable}, without any fsync: a reader or a killed process still sees the old or the
   * new file, but a power loss may undo it. Only for writes made durable another way (the state
   * log).
   */
  static void write(Path target, byte[] content, boolean durable) {
    Path dir = target.getParent();
    for (int attempt = 1; ; attempt++) {
      try {
        if (attempt > 1 || !Files.isDirectory(dir)) {
          Files.createDirectories(dir);
        }
        replace(dir, target, content, durable);
        return;
      } catch (NoSuchFileException e) {
        // a concurrent remove() pruned the directory, then empty, before the temp file was made
        if (attempt == ATTEMPTS) {
          throw cannotWrite(target, e);
        }
      } catch (IOException e) {
        throw cannotWrite(target, e);
      }
    }
  }

  private static StateException cannotWrite(Path file, IOException e) {
    return new StateException("cannot write state file " + file + ": " + reason(e), e);
  }

  private static void replace(Path dir, Path target, byte[] content, boolean durable)
      throws IOException {
    Path temp = dir.resolve(tempName(target.getFileName().toString()));
    boolean replacing = !durable || Files.exists(target);
    try {
      try (FileChannel channel =
          FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        writeFully(channel, content);
        if (durable) {
          // fdatasync: the content and the size it needs, not the timestamps
          channel.force(false);
        }
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    // a new name must reach the directory on disk; replacing an existing name atomically gives
    // the old or the new content after a power cut even unsynced, and the sync costs as much as
    // the write: on the apply hot path, where every step replaces its descriptor, skip it
    if (!replacing) {
      syncDirectory(dir);
    }
  }

  /** Writes all of {@code content} at the channel's position. */
  static void writeFully(FileChannel channel, byte[] content) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(content);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  /**
   * Makes every write to {@code files} (and their renames and deletes) durable: one {@code syncfs}
   * of the filesystem holding {@code dir} through coreutils' {@code sync -f}, which costs one flush
   * however many files were written; where that is not available (not Linux, no coreutils), an
   * fsync of each file and of each directory holding one.
   */
  static void syncAll(Path dir, Collection<Path> files) {
    if (syncFileSystem(dir)) {
      return;
    }
    Set<Path> dirs = new HashSet<>();
    for (Path file : files) {
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        channel.force(false);
      } catch (NoSuchFileException e) {
        // removed since: its directory is synced below
      } catch (IOException e) {
        throw new StateException("cannot sync state file " + file + ": " + reason(e), e);
      }
      for (Path d = file.getParent(); d != null && d.startsWith(dir); d = d.getParent()) {
        dirs.add(d);
      }
    }
    dirs.forEach(AtomicFiles::syncDirectory);
  }

  private static boolean syncFileSystem(Path dir) {
    try {
      Process sync =
          new ProcessBuilder("sync", "-f", dir.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return sync.waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Makes a rename or delete in {@code dir} durable. */
  static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // some filesystems (and Windows) cannot open or sync a directory; the rename still happened
    }
  }

  /** {@return true for a temp file left by a writer that was killed before its rename} */
  static boolean isTemp(String fileName) {
    return fileName.startsWith(".") && fileName.contains(TEMP_MARK);
  }

  /** Deletes every temp file under {@code root}; only safe while no one else writes. */
  static void deleteTemps(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      return;
    }
    // only the top level (meta, folders, lock): walking 100,000 descriptor files on every lock
    // would cost seconds, and reads ignore temp files wherever they are
    try (java.util.stream.Stream<Path> files = Files.list(root)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(file) && isTemp(file.getFileName().toString())) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  /** {@return the bytes of {@code file}, or null when it does not exist} */
  static byte[] readIfExists(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new StateException("cannot read state file " + file + ": " + reason(e), e);
    }
  }

  /** {@return why {@code e} happened, in a few lowercase words} */
  static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof FileAlreadyExistsException) {
      return "a file is in the way: " + e.getMessage();
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason().toLowerCase(Locale.ROOT);
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static String tempName(String fileName) {
    return "." + fileName + TEMP_MARK + Long.toHexString(ThreadLocalRandom.current().nextLong());
  }
}
