package io.vmtree.connector.sim;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Small file helpers of a world: ids, existence without exceptions, and a file replaced atomically
 * (its content written to a temporary file beside it, then renamed over it). Temporary names start
 * with a dot.
 */
final class WorldFiles {
  private static final long PROCESS = ProcessHandle.current().pid();
  private static final AtomicLong TEMPS = new AtomicLong();

  private WorldFiles() {}

  /**
   * {@return whether {@code id} has the shape of a sim id, {@code vm-} and at least six digits
   * (anything else names no VM)}; by hand, as every change of the log asks it
   */
  static boolean isVmId(String id) {
    if (id == null || id.length() < 9 || !id.startsWith("vm-")) {
      return false;
    }
    for (int i = 3; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** {@return the content of {@code file}, or null when it does not exist} */
  static byte[] readIfExists(Path file) throws IOException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** {@return whether {@code file} exists}, without the exception {@link Files#exists} costs */
  static boolean exists(Path file) {
    return file.toFile().exists();
  }

  /**
   * Replaces {@code target} with {@code content} atomically: a reader sees the old file or the new
   * one. Not synced: the sim is a stand-in hypervisor whose world must survive its callers being
   * killed, not a power cut of the machine it runs on.
   */
  static void replace(Path target, byte[] content) throws IOException {
    Path temp = prepare(target, content);
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
  }

  private static Path prepare(Path target, byte[] content) throws IOException {
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
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(temp); // half written (a full disk): never left behind
        throw e;
      }
    }
  }
}
