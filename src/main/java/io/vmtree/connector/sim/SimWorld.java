package io.vmtree.connector.sim;

import io.vmtree.connector.sim.WorldCodec.Status;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * The persisted world of one sim hypervisor: a directory holding {@code world.json} (the next id
 * and the {@code down} flag), one {@code vms/<id>.json} per VM, an index of markers ({@code
 * markers/}) and the disks kept by deletes ({@code kept-disks/}).
 *
 * <p>Any number of threads and processes may share a world. A change writes only the files of the
 * VM it touches: the new content is flushed to a temporary file first, outside any lock; then,
 * under the lock {@code world.lock}, it is checked against what is on disk and renamed into place.
 * Ids are reserved in blocks, so that creating a VM rarely rewrites {@code world.json}, which has a
 * lock of its own ({@code world.json.lock}): reserving ids never queues behind VM changes.
 *
 * <p>This class is free of latency and injected failures: it is the hypervisor itself, as its
 * console sees it; {@link SimConnector} puts the network in front of it.
 */
public final class SimWorld implements AutoCloseable {
  private static final int MAX_ID_BLOCK = 256;
  /*
   * The first block: the creates of a parallel apply arrive together, but the first of them found
   * itself alone waiting, reserved one id, and held every other one up for its reservation, the
   * process's first and slowest (12-30 ms): a 1,000-VM apply queued 20-50 creates behind it. What
   * a command does not use goes back when it closes, so ids stay consecutive.
   */
  private static final int FIRST_ID_BLOCK = 64;
  private static final Comparator<SimVm> BY_ID =
      Comparator.comparing((SimVm vm) -> vm.id().length()).thenComparing(SimVm::id);

  private final WorldFiles files;
  private volatile Locks locks;
  private final NavigableSet<Long> reservedIds = new TreeSet<>();
  private int nextIdBlock = FIRST_ID_BLOCK;
  private final AtomicInteger waitingForIds = new AtomicInteger();

  private volatile ReadStatus lastRead;

  private record Locks(WorldLock vms, WorldLock status) {}

  private record ReadStatus(WorldFiles.Version version, byte[] json, Status status) {}

  private enum Outcome {
    DONE,
    GONE,
    RACED
  }

  private SimWorld(Path dir) {
    this.files = new WorldFiles(Objects.requireNonNull(dir, "dir"));
  }

  /** {@return the world kept in {@code dir}; nothing is read or written yet} */
  public static SimWorld at(Path dir) {
    return new SimWorld(dir);
  }

  /** {@return the world's directory, as given} */
  public Path dir() {
    return files.dir();
  }

  /** {@return whether anything was ever created in this world} */
  public boolean exists() {
    return Files.exists(files.status()) || Files.isDirectory(files.vms());
  }

  /** {@return whether the hypervisor is down: every call over the network fails} */
  public boolean isDown() {
    return io(
        "read",
        () -> {
          // every call asks this, and another process may take the world down at any time: the
          // file's identity is looked at each time (one stat), its content read only when that
          // changed. world.json is only ever replaced by a rename, which gives it a new inode, a
          // new modification time and usually a new size; all three must match to skip the read.
          WorldFiles.Version version = WorldFiles.version(files.status());
          if (version == null) {
            return false;
          }
          ReadStatus last = lastRead;
          if (last != null && last.version().equals(version)) {
            return last.status().down();
          }
          byte[] json = WorldFiles.readIfExists(files.status());
          if (json == null) {
            return false;
          }
          if (last == null || !Arrays.equals(last.json(), json)) {
            last = new ReadStatus(version, json, WorldCodec.status(json, files.status()));
          } else {
            last = new ReadStatus(version, last.json(), last.status());
          }
          lastRead = last;
          return last.status().down();
        });
  }

  /** Takes the hypervisor down or brings it back up; creates the world when it is missing. */
  public void setDown(boolean down) {
    io(
        "update",
        () ->
            lockedStatus(
                () -> {
                  Status status = readStatus();
                  if (status.down() != down || !Files.exists(files.status())) {
                    writeStatus(new Status(status.nextId(), down));
                  }
                  return null;
                }));
  }

  /** {@return every VM, by id} */
  public List<SimVm> list() {
    return io(
        "read",
        () -> {
          List<SimVm> vms = new ArrayList<>();
          if (!Files.isDirectory(files.vms())) {
            return vms;
          }
          try (DirectoryStream<Path> dir = Files.newDirectoryStream(files.vms(), "vm-*.json")) {
            for (Path file : dir) {
              byte[] json = WorldFiles.readIfExists(file);
              if (json != null) {
                vms.add(WorldCodec.vm(json, file));
              }
            }
          }
          vms.sort(BY_ID);
          return vms;
        });
  }

  /** {@return the VM {@code id}, if it exists} */
  public Optional<SimVm> get(String id) {
    if (!WorldFiles.isVmId(id)) {
      return Optional.empty();
    }
    return io("read", () -> Optional.ofNullable(read(id)));
  }

  /**
   * {@return the new VM, with its id and its disk; or, when a VM already carries the marker of
   * {@code vm}, that VM, unchanged}
   *
   * @param vm the VM to create, without id
   */
  public SimVm create(SimVm vm) {
    if (vm.id() != null) {
      throw new IllegalArgumentException("a VM to create has no id yet, got " + vm.id());
    }
    return io("create a vm in", () -> createVm(vm));
  }

  /** {@return the VM after {@code change}, or empty when there is no VM {@code id}} */
  public Optional<SimVm> update(String id, UnaryOperator<SimVm> change) {
    if (!WorldFiles.isVmId(id)) {
      return Optional.empty();
    }
    return io("update " + id + " in", () -> updateVm(id, change));
  }

  /**
   * {@return the deleted VM, or empty when there was none}
   *
   * @param keepDisks keep its disks: they move to {@link #keptDisks()}
   */
  public Optional<SimVm> delete(String id, boolean keepDisks) {
    if (!WorldFiles.isVmId(id)) {
      return Optional.empty();
    }
    return io("delete " + id + " from", () -> deleteVm(id, keepDisks));
  }

  /** {@return the ids of the disks kept by deletes, sorted} */
  public List<String> keptDisks() {
    return io(
        "read",
        () -> {
          List<String> disks = new ArrayList<>();
          if (Files.isDirectory(files.keptDisks())) {
            try (DirectoryStream<Path> dir =
                Files.newDirectoryStream(files.keptDisks(), "[!.]*.json")) {
              for (Path file : dir) {
                String name = file.getFileName().toString();
                disks.add(name.substring(0, name.length() - ".json".length()));
              }
            }
          }
          disks.sort(Comparator.naturalOrder());
          return disks;
        });
  }

  /**
   * Hands back the ids this world reserved but did not use, when no one reserved after them, so
   * that ids stay consecutive from one command to the next. Never throws.
   */
  @Override
  public synchronized void close() {
    if (reservedIds.isEmpty()) {
      return;
    }
    try {
      lockedStatus(
          () -> {
            Status status = readStatus();
            long next = status.nextId();
            while (reservedIds.remove(next - 1)) {
              next--;
            }
            if (next != status.nextId()) {
              writeStatus(new Status(next, status.down()));
            }
            return null;
          });
    } catch (IOException | RuntimeException e) {
      // the unused ids are skipped, never handed out twice
    }
    reservedIds.clear();
  }

  private SimVm createVm(SimVm vm) throws IOException {
    layOut();
    while (true) {
      long number = takeId();
      String id = vmId(number);
      SimVm created = vm.withIdentity(id, List.of(id + "-disk0"));
      Path vmFile = files.vm(id);
      if (WorldFiles.exists(vmFile)) {
        continue; // the id counter was behind the files (world.json restored?): take the next id
      }
      Path vmTemp = WorldFiles.prepare(vmFile, WorldCodec.vm(created));
      Path markerEntry = vm.marker() == null ? null : files.marker(vm.marker());
      SimVm result = null;
      try {
        result =
            locked(
                () -> {
                  if (vm.marker() != null) {
                    Optional<SimVm> marked = claimMarker(vm.marker(), markerEntry, vmTemp);
                    if (marked.isPresent()) {
                      return marked.get();
                    }
                  }
                  WorldFiles.publish(vmTemp, vmFile);
                  return created;
                });
        if (result != created) {
          giveBack(number);
        }
        return result;
      } finally {
        if (result != created) {
          WorldFiles.discard(vmTemp);
        }
      }
    }
  }

  /** {@code vm-} and the number, at least six digits ({@code vm-000042}); no Formatter per call. */
  static String vmId(long number) {
    String digits = Long.toString(number);
    return "vm-" + "000000".substring(Math.min(6, digits.length())) + digits;
  }

  private Optional<SimVm> updateVm(String id, UnaryOperator<SimVm> change) throws IOException {
    Path vmFile = files.vm(id);
    while (true) {
      byte[] before = WorldFiles.readIfExists(vmFile);
      if (before == null) {
        return Optional.empty();
      }
      layOut();
      SimVm old = WorldCodec.vm(before, vmFile);
      SimVm changed = change.apply(old).withIdentity(old.id(), old.disks());
      if (changed.equals(old)) {
        return Optional.of(old);
      }
      boolean remark = changed.marker() != null && !changed.marker().equals(old.marker());
      Path vmTemp = WorldFiles.prepare(vmFile, WorldCodec.vm(changed));
      Path markerEntry = remark ? files.marker(changed.marker()) : null;
      Outcome outcome = null;
      try {
        outcome =
            locked(
                () -> {
                  Outcome current = compare(vmFile, before);
                  if (current == Outcome.DONE) {
                    if (remark) {
                      linkMarker(markerEntry, vmTemp);
                    }
                    WorldFiles.publish(vmTemp, vmFile);
                  }
                  return current;
                });
        if (outcome == Outcome.DONE) {
          return Optional.of(changed);
        }
        if (outcome == Outcome.GONE) {
          return Optional.empty();
        }
      } finally {
        if (outcome != Outcome.DONE) {
          WorldFiles.discard(vmTemp);
        }
      }
    }
  }

  /**
   * Removes the VM's file only: a marker entry left behind names a VM that is gone, which {@link
   * #findByMarker} treats as no entry, and the next VM with that marker replaces it.
   */
  private Optional<SimVm> deleteVm(String id, boolean keepDisks) throws IOException {
    Path vmFile = files.vm(id);
    byte[] before = WorldFiles.readIfExists(vmFile);
    if (before == null) {
      return Optional.empty();
    }
    layOut();
    SimVm old = WorldCodec.vm(before, vmFile);
    List<Path> diskTemps = new ArrayList<>();
    try {
      if (keepDisks) {
        for (String disk : old.disks()) {
          diskTemps.add(WorldFiles.prepare(files.keptDisk(disk), WorldCodec.keptDisk(disk, old)));
        }
      }
      boolean deleted =
          locked(
              () -> {
                if (!Files.deleteIfExists(vmFile)) {
                  return false;
                }
                for (int i = 0; i < diskTemps.size(); i++) {
                  WorldFiles.publish(diskTemps.get(i), files.keptDisk(old.disks().get(i)));
                }
                return true;
              });
      return deleted ? Optional.of(old) : Optional.empty();
    } finally {
      WorldFiles.discard(diskTemps.toArray(Path[]::new));
    }
  }

  private static Outcome compare(Path vmFile, byte[] expected) throws IOException {
    byte[] now = WorldFiles.readIfExists(vmFile);
    if (now == null) {
      return Outcome.GONE;
    }
    return Arrays.equals(now, expected) ? Outcome.DONE : Outcome.RACED;
  }

  private SimVm read(String id) throws IOException {
    Path file = files.vm(id);
    byte[] json = WorldFiles.readIfExists(file);
    return json == null ? null : WorldCodec.vm(json, file);
  }

  /**
   * {@return the VM carrying {@code marker}, by its {@code entry} {@code markers/<digest>}: a hard
   * link to the VM's file as it was when it got the marker, which gives the id. An entry is trusted
   * only when that VM still carries the marker, so entries left by deletes and moves need no
   * cleaning.}
   */
  private Optional<SimVm> findByMarker(String marker, Path entry) throws IOException {
    byte[] json = WorldFiles.readIfExistsRarely(entry);
    if (json == null) {
      return Optional.empty();
    }
    String id;
    try {
      id = WorldCodec.vm(json, entry).id();
    } catch (SimWorldException damaged) {
      return Optional.empty(); // linking the marker again replaces the entry
    }
    SimVm vm = WorldFiles.isVmId(id) ? read(id) : null;
    return vm != null && marker.equals(vm.marker()) ? Optional.of(vm) : Optional.empty();
  }

  /**
   * Makes {@code entry} point at the VM about to be published from {@code vmTemp}, unless a VM
   * already carries {@code marker}: then that VM is returned and nothing changes. The link is tried
   * first, since a new marker's entry is almost always missing: looking for it first cost every
   * create a failed lookup in a directory that holds an entry per VM.
   */
  private Optional<SimVm> claimMarker(String marker, Path entry, Path vmTemp) throws IOException {
    try {
      Files.createLink(entry, vmTemp);
      return Optional.empty();
    } catch (FileAlreadyExistsException taken) {
      Optional<SimVm> marked = findByMarker(marker, entry);
      if (marked.isEmpty()) {
        linkMarker(entry, vmTemp); // left by a VM deleted or moved since: replaced
      }
      return marked;
    }
  }

  /**
   * A link costs no second file to write and flush: the VM's content is already on disk. The
   * entry's name (a digest) is computed by the caller, before it takes the world lock.
   */
  private void linkMarker(Path entry, Path vmTemp) throws IOException {
    try {
      Files.createLink(entry, vmTemp);
    } catch (FileAlreadyExistsException stale) {
      Files.delete(entry);
      Files.createLink(entry, vmTemp);
    }
  }

  private long takeId() throws IOException {
    waitingForIds.incrementAndGet();
    try {
      return takeReservedId();
    } finally {
      waitingForIds.decrementAndGet();
    }
  }

  /** A new block covers at least every thread waiting, so that a burst of creates waits once. */
  private synchronized long takeReservedId() throws IOException {
    if (reservedIds.isEmpty()) {
      int block = Math.min(MAX_ID_BLOCK, Math.max(nextIdBlock, waitingForIds.get()));
      nextIdBlock = Math.min(MAX_ID_BLOCK, block * 2);
      long first =
          lockedStatus(
              () -> {
                Status status = readStatus();
                writeStatus(new Status(status.nextId() + block, status.down()));
                return status.nextId();
              });
      for (long number = first; number < first + block; number++) {
        reservedIds.add(number);
      }
    }
    return reservedIds.pollFirst();
  }

  private synchronized void giveBack(long number) {
    reservedIds.add(number);
  }

  /** Without {@code world.json} (a new world), ids continue after the VMs already there. */
  private Status readStatus() throws IOException {
    byte[] json = WorldFiles.readIfExists(files.status());
    if (json != null) {
      return WorldCodec.status(json, files.status());
    }
    long highest = 0;
    if (Files.isDirectory(files.vms())) {
      try (DirectoryStream<Path> dir = Files.newDirectoryStream(files.vms(), "vm-*.json")) {
        for (Path file : dir) {
          String id = file.getFileName().toString().replace(".json", "");
          if (WorldFiles.isVmId(id)) {
            highest = Math.max(highest, Long.parseLong(id.substring("vm-".length())));
          }
        }
      }
    }
    return new Status(highest + 1, false);
  }

  private void writeStatus(Status status) throws IOException {
    WorldFiles.replace(files.status(), WorldCodec.status(status));
  }

  private <T> T locked(WorldLock.Step<T> step) throws IOException {
    layOut();
    return locks.vms().hold(step);
  }

  private <T> T lockedStatus(WorldLock.Step<T> step) throws IOException {
    layOut();
    return locks.status().hold(step);
  }

  private void layOut() throws IOException {
    if (locks == null) {
      files.createLayout();
      locks =
          new Locks(
              WorldLock.of(files.dir(), "world.lock"),
              WorldLock.of(files.dir(), "world.json.lock"));
    }
  }

  private interface Action<T> {
    T run() throws IOException;
  }

  private <T> T io(String verb, Action<T> action) {
    try {
      return action.run();
    } catch (IOException e) {
      throw new SimWorldException(
          "cannot " + verb + " sim world at " + files.dir() + ": " + describe(e), e);
    }
  }

  private static String describe(IOException e) {
    String type = e.getClass().getSimpleName().replaceAll("Exception$", "");
    String kind = type.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
    return e.getMessage() == null ? kind : kind + " " + e.getMessage();
  }
}
