package io.vmtree.connector.sim;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A world as vmtree wrote it before its log: {@code world.json} (next id, down), a file per VM in
 * {@code vms/}, marker links in {@code markers/} and kept disks in {@code kept-disks/}. It is read
 * once, written as a log, and removed.
 */
final class LegacyWorld {
  private static final List<String> DIRECTORIES = List.of("vms", "markers", "kept-disks");

  private LegacyWorld() {}

  /** {@return whether {@code dir} holds a world of an earlier vmtree} */
  static boolean present(Path dir) {
    return WorldFiles.exists(dir.resolve("world.json")) || Files.isDirectory(dir.resolve("vms"));
  }

  /** Writes the world of {@code dir} into {@code log}, then removes its old files. */
  static void migrate(Path dir, Path log) throws IOException {
    byte[] status = WorldFiles.readIfExists(dir.resolve("world.json"));
    WorldCodec.Status old =
        status == null
            ? new WorldCodec.Status(1, false)
            : WorldCodec.status(status, dir.resolve("world.json"));
    List<SimVm> vms = new ArrayList<>();
    for (Path file : files(dir.resolve("vms"), "vm-*.json")) {
      byte[] json = WorldFiles.readIfExists(file);
      if (json != null) {
        vms.add(WorldCodec.vm(json, file));
      }
    }
    vms.sort(WorldModel.BY_ID);
    List<String> kept = new ArrayList<>();
    for (Path file : files(dir.resolve("kept-disks"), "[!.]*.json")) {
      String name = file.getFileName().toString();
      kept.add(name.substring(0, name.length() - ".json".length()));
    }
    kept.sort(Comparator.naturalOrder());
    List<WorldRecord> records = new ArrayList<>();
    // the highest id of a VM, or of a deleted VM whose disk was kept, counts too: world.json may
    // be missing or behind, and a new VM's disk must not take a kept disk's name
    long next = old.nextId();
    for (SimVm vm : vms) {
      next = Math.max(next, WorldModel.number(vm.id()) + 1);
    }
    for (String disk : kept) {
      int cut = disk.indexOf("-disk");
      next = Math.max(next, WorldModel.number(cut < 0 ? disk : disk.substring(0, cut)) + 1);
    }
    records.add(new WorldRecord.Status(next, old.down()));
    if (!kept.isEmpty()) {
      records.add(new WorldRecord.KeptDisks(kept));
    }
    vms.forEach(vm -> records.add(new WorldRecord.Put(vm)));
    WorldFiles.replace(log, WorldCodec.lines(records));
    remove(dir);
  }

  private static List<Path> files(Path dir, String glob) throws IOException {
    List<Path> files = new ArrayList<>();
    if (Files.isDirectory(dir)) {
      try (DirectoryStream<Path> listing = Files.newDirectoryStream(dir, glob)) {
        listing.forEach(files::add);
      } catch (DirectoryIteratorException e) {
        throw e.getCause();
      }
    }
    return files;
  }

  /** Best effort: the log is in place, and a file left behind is never read again. */
  private static void remove(Path dir) {
    for (String name : DIRECTORIES) {
      Path sub = dir.resolve(name);
      if (Files.isDirectory(sub)) {
        try (Stream<Path> entries = Files.list(sub)) {
          entries.forEach(LegacyWorld::deleteQuietly);
        } catch (IOException e) {
          // left behind
        }
        deleteQuietly(sub);
      }
    }
    deleteQuietly(dir.resolve("world.json"));
    deleteQuietly(dir.resolve("world.json.lock"));
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // left behind
    }
  }
}
