package io.vmtree.connector.sim;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The persisted world of one sim hypervisor: a directory holding its log, {@code world.jsonl} (one
 * line per change: a VM as it is now, a VM deleted, the hypervisor going down or up), and the lock
 * {@code world.lock} that changes are made under. See {@link WorldLog} for why a log and how it
 * stays safe.
 *
 * <p>Any number of threads and processes may share a world: each change is made on the world as it
 * is at that moment, under the lock, and every call sees the changes made before it, by anyone.
 *
 * <p>This class is free of latency and injected failures: it is the hypervisor itself, as its
 * console sees it; {@link SimConnector} puts the network in front of it.
 */
public final class SimWorld implements AutoCloseable {
  private final Path dir;
  private final WorldLog log;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final boolean refusedWhenDown;

  private SimWorld(Path dir, boolean refusedWhenDown) {
    this.dir = Objects.requireNonNull(dir, "dir");
    this.log = WorldLog.of(dir);
    this.refusedWhenDown = refusedWhenDown;
    log.retain();
  }

  /** {@return the world kept in {@code dir}; nothing is read or written yet} */
  public static SimWorld at(Path dir) {
    return new SimWorld(dir, false);
  }

  /**
   * {@return the world kept in {@code dir} as its hypervisor's calls see it: while it is down, its
   * VMs are neither listed, read nor changed ({@link Down})}. The flag is read with what the call
   * reads or changes, under the same look at the log: a separate look first cost a file status and
   * a turn of the log's lock per call.
   */
  static SimWorld asHypervisor(Path dir) {
    return new SimWorld(dir, true);
  }

  /** What a call of a world opened {@link #asHypervisor as a hypervisor} meets while it is down. */
  static final class Down extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Down() {
      super("hypervisor is unreachable (down)", null, false, false);
    }
  }

  /**
   * Throws {@link Down} when this is a hypervisor's view and the world is down: for a call answered
   * without reading the world otherwise.
   */
  void refuseWhenDown() {
    if (refusedWhenDown && isDown()) {
      throw new Down();
    }
  }

  /** {@return {@code model}, when the call may see it} */
  private WorldModel up(WorldModel model) {
    if (refusedWhenDown && model.down()) {
      throw new Down();
    }
    return model;
  }

  /** {@return the world's directory, as given} */
  public Path dir() {
    return dir;
  }

  /** {@return whether anything was ever created in this world} */
  public boolean exists() {
    return log.exists();
  }

  /** {@return whether the hypervisor is down: every call over the network fails} */
  public boolean isDown() {
    return io("read", () -> log.read(WorldModel::down));
  }

  /** Takes the hypervisor down or brings it back up; creates the world when it is missing. */
  public void setDown(boolean down) {
    io(
        "update",
        () ->
            log.write(
                model ->
                    new WorldLog.Changed<>(
                        null, List.of(new WorldRecord.Status(model.nextIdNumber(), down)))));
  }

  /** {@return every VM, by id} */
  public List<SimVm> list() {
    return io("read", () -> log.read(model -> up(model).list()));
  }

  /** {@return the VM {@code id}, if it exists} */
  public Optional<SimVm> get(String id) {
    if (!WorldFiles.isVmId(id)) {
      refuseWhenDown();
      return Optional.empty();
    }
    return io("read", () -> log.read(model -> up(model).get(id)));
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
    return io(
        "create a vm in",
        () ->
            log.write(
                model -> {
                  up(model);
                  Optional<SimVm> marked =
                      vm.marker() == null ? Optional.empty() : model.carrying(vm.marker());
                  if (marked.isPresent()) {
                    return new WorldLog.Changed<>(marked.get(), List.of());
                  }
                  String id = model.nextId();
                  SimVm created = vm.withIdentity(id, List.of(id + "-disk0"));
                  return new WorldLog.Changed<>(created, List.of(new WorldRecord.Put(created)));
                }));
  }

  /** {@return the VM after {@code change}, or empty when there is no VM {@code id}} */
  public Optional<SimVm> update(String id, UnaryOperator<SimVm> change) {
    return changeExisting(
        "update " + id + " in",
        id,
        before -> {
          SimVm changed = change.apply(before).withIdentity(before.id(), before.disks());
          return changed.equals(before)
              ? new WorldLog.Changed<>(Optional.of(before), List.of())
              : new WorldLog.Changed<>(Optional.of(changed), List.of(new WorldRecord.Put(changed)));
        });
  }

  /**
   * {@return the deleted VM, or empty when there was none}
   *
   * @param keepDisks keep its disks: they move to {@link #keptDisks()}
   */
  public Optional<SimVm> delete(String id, boolean keepDisks) {
    return changeExisting(
        "delete " + id + " from",
        id,
        before ->
            new WorldLog.Changed<>(
                Optional.of(before),
                List.of(new WorldRecord.Deleted(id, keepDisks ? before.disks() : List.of()))));
  }

  /**
   * {@return what {@code change} makes of the VM {@code id}, or empty when there is none}; a world
   * that does not exist is not made for it
   */
  private Optional<SimVm> changeExisting(
      String verb, String id, Function<SimVm, WorldLog.Changed<Optional<SimVm>>> change) {
    if (!WorldFiles.isVmId(id) || !exists()) {
      refuseWhenDown(); // the answer of a down hypervisor comes before "no such VM"
      return Optional.empty();
    }
    return io(
        verb,
        () ->
            log.write(
                model ->
                    up(model)
                        .get(id)
                        .map(change)
                        .orElseGet(() -> new WorldLog.Changed<>(Optional.empty(), List.of()))));
  }

  /** {@return the ids of the disks kept by deletes, sorted} */
  public List<String> keptDisks() {
    return io("read", () -> log.read(WorldModel::keptDisks));
  }

  /**
   * Lets go of the world: when no other {@code SimWorld} of its directory is open in this JVM, what
   * was read of it is dropped. Nothing else to release: ids are given out one by one under the
   * lock, never reserved.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      log.release();
    }
  }

  /** {@code vm-} and the number, at least six digits ({@code vm-000042}); no Formatter per call. */
  static String vmId(long number) {
    String digits = Long.toString(number);
    return "vm-" + "000000".substring(Math.min(6, digits.length())) + digits;
  }

  private interface Action<T> {
    T run() throws IOException;
  }

  private <T> T io(String verb, Action<T> action) {
    try {
      return action.run();
    } catch (IOException e) {
      throw new SimWorldException(
          "cannot " + verb + " sim world at " + dir + ": " + describe(e), e);
    }
  }

  private static String describe(IOException e) {
    String type = e.getClass().getSimpleName().replaceAll("Exception$", "");
    String kind = type.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
    return e.getMessage() == null ? kind : kind + " " + e.getMessage();
  }
}
