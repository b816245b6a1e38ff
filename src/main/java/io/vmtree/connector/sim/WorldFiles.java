package io.vmtree.connector.sim;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Where a world keeps what, and how a file is replaced atomically: its new content is written and
 * flushed to disk in a temporary file beside it (slow, done outside the lock), then renamed over it
 * (fast, done under the lock). Temporary names start with a dot, so listings skip them.
 */
final class WorldFiles {
  private static final Pattern VM_ID = Pattern.compile("vm-\\d{6,}");
  private static final long PROCESS = ProcessHandle.current().pid();
  private static final AtomicLong TEMPS = new AtomicLong();
  // a digest per thread: looking one up by name goes through the security providers each time
  private static final ThreadLocal<MessageDigest> SHA_256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("the JDK lacks SHA-256", e);
            }
          });

  private final Path dir;

  WorldFiles(Path dir) {
    this.dir = dir;
  }

  Path dir() {
    return dir;
  }

  Path status() {
    return dir.resolve("world.json");
  }

  Path vms() {
    return dir.resolve("vms");
  }

  Path markers() {
    return dir.resolve("markers");
  }

  Path keptDisks() {
    return dir.resolve("kept-disks");
  }

  /** {@return whether {@code id} has the shape of a sim id (anything else names no VM)} */
  static boolean isVmId(String id) {
    return id != null && VM_ID.matcher(id).matches();
  }

  Path vm(String id) {
    return vms().resolve(id + ".json");
  }

  Path keptDisk(String disk) {
    return keptDisks().resolve(disk + ".json");
  }

  /** Markers are full names of any depth, so their entry is named by a digest. */
  Path marker(String marker) {
    byte[] digest = SHA_256.get().digest(marker.getBytes(StandardCharsets.UTF_8));
    return markers().resolve(HexFormat.of().formatHex(digest));
  }

  void createLayout() throws IOException {
    Files.createDirectories(vms());
    Files.createDirectories(markers());
    Files.createDirectories(keptDisks());
  }

  /**
   * What tells one content of a file from the next without reading it, for a file only ever
   * replaced by a rename: its inode (new at each rename), modification time and size.
   */
  record Version(Object fileKey, FileTime modified, long size) {}

  /**
   * {@return the version of {@code file}, or null when it does not exist}: one stat; a missing file
   * costs an exception, but {@code world.json} is missing only until the world's first VM
   */
  static Version version(Path file) throws IOException {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return new Version(a.fileKey(), a.lastModifiedTime(), a.size());
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** {@return the content of {@code file}, or null when it does not exist} */
  static byte[] readIfExists(Path file) throws IOException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /**
   * {@return the content of {@code file}, or null when it does not exist}: for a file that is
   * usually missing (a marker entry before its VM is created), which NIO reports with an exception
   * whose stack trace costs more than the read; a plain existence check goes first.
   */
  static byte[] readIfExistsRarely(Path file) throws IOException {
    return exists(file) ? readIfExists(file) : null;
  }

  /** {@return whether {@code file} exists}, without the exception {@link Files#exists} costs */
  static boolean exists(Path file) {
    return file.toFile().exists();
  }

  /**
   * {@return a temporary file beside {@code target} holding {@code content}}
   *
   * <p>Not synced: the sim is a stand-in hypervisor whose world must survive its callers being
   * killed (the atomic rename sees to that), not a power cut of the machine it runs on; an fsync
   * per call would make it the slowest part of every test and benchmark.
   */
  static Path prepare(Path target, byte[] content) throws IOException {
    while (true) {
      // unique by process and count: a random UUID would cost a SecureRandom draw per call
      Path temp =
          target.resolveSibling(
              "." + target.getFileName() + "." + PROCESS + "-" + TEMPS.incrementAndGet() + ".tmp");
      try (FileChannel channel =
          FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        return temp;
      } catch (FileAlreadyExistsException leftBehind) {
        // by a killed process that had the same pid: take the next name
      }
    }
  }

  /** Replaces {@code target} by the prepared {@code temp}, atomically. */
  static void publish(Path temp, Path target) throws IOException {
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  static void replace(Path target, byte[] content) throws IOException {
    publish(prepare(target, content), target);
  }

  /**
   * Removes temporary files that were not published; never throws. Callers pass only the ones they
   * did not publish: a delete of a file already renamed fails inside NIO with a costly exception.
   */
  static void discard(Path... temps) {
    for (Path temp : temps) {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException e) {
          // a stray temporary file is harmless: listings skip it
        }
      }
    }
  }
}
