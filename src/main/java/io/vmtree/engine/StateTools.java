package io.vmtree.engine;

import io.vmtree.diag.Diagnostics;
import io.vmtree.ops.Operation;
import io.vmtree.state.DescriptorState;
import io.vmtree.state.LockInfo;
import io.vmtree.state.StateBackend;
import io.vmtree.state.StateSnapshot;
import io.vmtree.tree.Status;
import io.vmtree.tree.TreePath;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The state tools of SPEC §4 and §11, like Terraform's {@code state list|show|mv|rm}: reading takes
 * no lock; {@code mv} and {@code rm} take the state lock, are journaled as operations, and raise
 * the serial through the state backend's atomic writes.
 *
 * <p>{@code mv} only renames descriptors that are {@code provisioned}: a deployed VM carries its
 * path as name, folder and marker on the hypervisor (SPEC §9), so renaming only the state would
 * leave the VM behind. Such a move is a {@code moved:} entry, which plans the hypervisor-side move.
 * {@code rm} forgets without destroying anything, whatever the status, also under {@code
 * prevent_destroy} (SPEC §11).
 */
final class StateTools {
  private final StateBackend state;
  private final Clock clock;

  StateTools(StateBackend state, Clock clock) {
    this.state = state;
    this.clock = clock;
  }

  /**
   * {@return what the state holds at {@code path}: a folder (the root, a recorded folder, or a
   * folder that only holds descriptors) with its subtree, or a descriptor}
   *
   * @throws EngineException when the state holds nothing at or below {@code path}
   */
  StateView view(TreePath path) {
    return view(state.read(), path);
  }

  /**
   * Renames {@code from} (a descriptor, or a folder with its subtree) to {@code to} in the state.
   *
   * @throws EngineException when there is nothing at {@code from}, something at {@code to}, or a
   *     descriptor to move is not {@code provisioned}
   */
  StateEdit move(TreePath from, TreePath to, LockInfo who) {
    try (StateBackend.StateLock lock = state.lock(who)) {
      StateSnapshot snapshot = state.read();
      if (from.isRoot()) {
        throw refused("cannot move the root folder /");
      }
      if (from.equals(to)) {
        throw refused("cannot move " + from + " onto itself");
      }
      if (from.contains(to)) {
        throw refused("cannot move " + from + " into itself (" + to + ")");
      }
      StateView source = view(snapshot, from);
      checkFree(snapshot, to);
      List<DescriptorState> moving = descriptorsOf(source);
      checkProvisioned(moving, from, to);
      List<TreePath> folders =
          source instanceof StateView.Folder f ? foldersWithSelf(f) : List.<TreePath>of();
      Map<TreePath, TreePath> renamed = new TreeMap<>();
      folders.forEach(p -> renamed.put(p, rebase(p, from, to)));
      moving.forEach(d -> renamed.put(d.fullName(), rebase(d.fullName(), from, to)));
      Operation op =
          StateOperation.run(
              state,
              clock,
              "state_mv",
              List.of(from.toString(), to.toString()),
              running -> {
                Map<String, Object> result =
                    Map.of("from", from.toString(), "to", to.toString(), "moved", renamed.size());
                for (TreePath folder : folders) {
                  state.putFolder(rebase(folder, from, to));
                }
                for (DescriptorState d : moving) {
                  // the new entry is written before the old one is forgotten: never without one
                  state.put(
                      renamedTo(
                          d,
                          rebase(d.fullName(), from, to),
                          StateOperation.last(
                              running, clock, Map.of("from", d.fullName().toString()))));
                  state.remove(d.fullName());
                }
                deepestFirst(folders).forEach(state::removeFolder);
                return result;
              });
      return new StateEdit(op, renamed, List.of(), List.of());
    }
  }

  /**
   * Forgets every path of {@code paths} (a descriptor, or a folder with its subtree) without
   * touching any VM.
   *
   * @throws EngineException when one of them is the root or not in the state; nothing is forgotten
   */
  StateEdit remove(List<TreePath> paths, LockInfo who) {
    try (StateBackend.StateLock lock = state.lock(who)) {
      StateSnapshot snapshot = state.read();
      Map<TreePath, DescriptorState> descriptors = new TreeMap<>();
      TreeSet<TreePath> folders = new TreeSet<>();
      for (TreePath path : paths) {
        if (path.isRoot()) {
          throw refused(
              "refusing to forget the whole state; name the folders or descriptors to forget");
        }
        StateView view = view(snapshot, path);
        descriptorsOf(view).forEach(d -> descriptors.put(d.fullName(), d));
        if (view instanceof StateView.Folder folder) {
          folders.addAll(foldersWithSelf(folder));
        }
      }
      List<Object> keptVms = new ArrayList<>();
      for (DescriptorState d : descriptors.values()) {
        if (d.vmId() != null) {
          Map<String, Object> vm = new LinkedHashMap<>();
          vm.put("full_name", d.fullName().toString());
          vm.put("hypervisor", d.hypervisor());
          vm.put("vm_id", d.vmId());
          keptVms.add(vm);
        }
      }
      Operation op =
          StateOperation.run(
              state,
              clock,
              "state_rm",
              paths.stream().map(TreePath::toString).toList(),
              running -> {
                descriptors.keySet().forEach(state::remove);
                deepestFirst(List.copyOf(folders)).forEach(state::removeFolder);
                Map<String, Object> result = new LinkedHashMap<>();
                result.put(
                    "removed", descriptors.keySet().stream().map(TreePath::toString).toList());
                result.put("removed_folders", folders.stream().map(TreePath::toString).toList());
                result.put("kept_vms", keptVms);
                return result;
              });
      return new StateEdit(op, Map.of(), List.copyOf(descriptors.values()), List.copyOf(folders));
    }
  }

  static StateView view(StateSnapshot snapshot, TreePath path) {
    DescriptorState descriptor = snapshot.descriptors().get(path);
    if (descriptor != null) {
      return new StateView.Descriptor(descriptor);
    }
    List<DescriptorState> below =
        snapshot.descriptors().tailMap(path, true).values().stream()
            .takeWhile(d -> path.contains(d.fullName()))
            .toList();
    List<TreePath> folders =
        snapshot.folders().tailSet(path, true).stream()
            .takeWhile(path::contains)
            .filter(f -> !f.equals(path))
            .toList();
    boolean recorded = snapshot.folders().contains(path);
    if (!path.isRoot() && !recorded && below.isEmpty() && folders.isEmpty()) {
      throw refused(
          "no descriptor or folder "
              + path
              + " in the state"
              + closest(snapshot, path)
              + "; see vmtree state list");
    }
    return new StateView.Folder(path, recorded, folders, below);
  }

  /** {@return ", but ... exists" naming the nearest ancestor the state knows, or ""} */
  private static String closest(StateSnapshot snapshot, TreePath path) {
    for (TreePath up = path.parent(); up != null && !up.isRoot(); up = up.parent()) {
      if (snapshot.descriptors().containsKey(up)) {
        return " (" + up + " is a descriptor)";
      }
    }
    return "";
  }

  private static void checkFree(StateSnapshot snapshot, TreePath to) {
    if (snapshot.descriptors().containsKey(to)) {
      throw refused("cannot move to " + to + ": a descriptor of that name is in the state");
    }
    boolean occupied =
        snapshot.folders().contains(to)
            || snapshot.descriptors().tailMap(to, false).keySet().stream()
                .findFirst()
                .filter(to::contains)
                .isPresent();
    if (occupied) {
      throw refused("cannot move to " + to + ": a folder of that name is in the state");
    }
    for (TreePath up = to.parent(); up != null && !up.isRoot(); up = up.parent()) {
      if (snapshot.descriptors().containsKey(up)) {
        throw refused("cannot move to " + to + ": " + up + " is a descriptor, not a folder");
      }
    }
  }

  private static void checkProvisioned(List<DescriptorState> moving, TreePath from, TreePath to) {
    List<DescriptorState> live =
        moving.stream()
            .filter(d -> d.status() != Status.PROVISIONED || d.pending() != null)
            .toList();
    if (live.isEmpty()) {
      return;
    }
    StringBuilder which = new StringBuilder();
    for (DescriptorState d : live.subList(0, Math.min(5, live.size()))) {
      which.append(which.isEmpty() ? "" : ", ").append(d.fullName()).append(" is ");
      which.append(
          d.pending() != null
              ? "in the middle of operation " + d.pending().id() + " (" + d.pending().type() + ")"
              : d.status().label() + " (VM " + d.vmId() + " on " + d.hypervisor() + ")");
    }
    if (live.size() > 5) {
      which.append(", and ").append(live.size() - 5).append(" more");
    }
    StringBuilder entries = new StringBuilder();
    for (DescriptorState d : live.subList(0, Math.min(5, live.size()))) {
      entries
          .append("\n    - {from: ")
          .append(d.fullName())
          .append(", to: ")
          .append(rebase(d.fullName(), from, to))
          .append("}");
    }
    throw refused(
        "cannot move "
            + from
            + " in the state: "
            + which
            + ". state mv only renames provisioned descriptors, since a VM carries its path as"
            + " name, folder and marker. To move a deployed VM, add to _folder.yaml\n"
            + "  moved:"
            + entries
            + "\nrename the files, then plan and apply: the VM is moved along with the state");
  }

  private static List<DescriptorState> descriptorsOf(StateView view) {
    return view instanceof StateView.Folder f
        ? f.descriptors()
        : List.of(((StateView.Descriptor) view).descriptor());
  }

  private static List<TreePath> foldersWithSelf(StateView.Folder folder) {
    List<TreePath> all = new ArrayList<>();
    if (folder.recorded()) {
      all.add(folder.path());
    }
    all.addAll(folder.folders());
    return all;
  }

  private static List<TreePath> deepestFirst(List<TreePath> folders) {
    return folders.stream()
        .sorted(Comparator.comparingInt(TreePath::depth).reversed().thenComparing(p -> p))
        .toList();
  }

  /** {@return {@code path} with its prefix {@code from} replaced by {@code to}} */
  static TreePath rebase(TreePath path, TreePath from, TreePath to) {
    List<String> segments = new ArrayList<>(to.segments());
    segments.addAll(path.segments().subList(from.depth(), path.depth()));
    return new TreePath(segments);
  }

  private static DescriptorState renamedTo(
      DescriptorState d, TreePath path, io.vmtree.state.LastOperation last) {
    return new DescriptorState(
        path,
        d.status(),
        d.vmId(),
        d.hypervisor(),
        d.localDefinition(),
        d.deployedConfig(),
        d.lastError(),
        last,
        d.lifecycle(),
        d.dependsOn(),
        d.pending());
  }

  private static EngineException refused(String message) {
    return new EngineException(message, new Diagnostics());
  }
}
