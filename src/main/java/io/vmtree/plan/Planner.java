package io.vmtree.plan;

import io.vmtree.config.DescriptorConfig;
import io.vmtree.config.DesiredTree;
import io.vmtree.config.MovedEntry;
import io.vmtree.connector.LiveVm;
import io.vmtree.definition.ComputedDefinition;
import io.vmtree.definition.Valued;
import io.vmtree.diag.Diagnostics;
import io.vmtree.state.DescriptorState;
import io.vmtree.state.StateSnapshot;
import io.vmtree.tree.Status;
import io.vmtree.tree.Target;
import io.vmtree.tree.TreePath;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Computes a plan: the desired tree against the previous state, seen through what refresh observed
 * (SPEC §4). A function of its inputs: it reads no file and calls no hypervisor. Drift is previous
 * state vs live; changes are live (or, without refresh, previous) vs desired.
 */
public final class Planner {
  private final DesiredTree tree;
  private final Map<TreePath, ComputedDefinition> computed;
  private final StateSnapshot state;
  private final Map<String, Observation> observed;
  private final PlanOptions options;
  private final Diagnostics diagnostics = new Diagnostics();
  private final List<Change> changes = new ArrayList<>();
  private final List<Drift> drift = new ArrayList<>();
  // (hypervisor, vm id) -> a descriptor of the tree holding it; built on first need
  private Map<String, String> vmOwners;
  // the paths the plan is cut to (targets and what they depend on); null without targets
  private Set<TreePath> wanted;

  private Planner(
      DesiredTree tree,
      Map<TreePath, ComputedDefinition> computed,
      StateSnapshot state,
      Map<String, Observation> observed,
      PlanOptions options) {
    this.tree = tree;
    this.computed = computed;
    this.state = state;
    this.observed = observed;
    this.options = options;
  }

  /**
   * {@return the plan to go from {@code state} to {@code tree}}
   *
   * @param computed the computed definition of every descriptor of {@code tree}
   * @param observed what refresh saw, by hypervisor name; empty without refresh
   */
  public static PlanResult plan(
      DesiredTree tree,
      Map<TreePath, ComputedDefinition> computed,
      StateSnapshot state,
      Map<String, Observation> observed,
      PlanOptions options) {
    Planner planner = new Planner(tree, computed, state, Map.copyOf(observed), options);
    planner.run();
    Plan plan =
        new Plan(
            state.lineage(),
            state.serial(),
            tree.root().toString(),
            planner.targeted(),
            planner.drift,
            RefreshTransitions.of(state, observed));
    return new PlanResult(plan, planner.diagnostics);
  }

  private void run() {
    Map<TreePath, MovedEntry> movedTo = movesToApply();
    Set<TreePath> claimed = new HashSet<>();
    checkReplaceOptions();
    if (!options.targets().isEmpty()) {
      checkTargetOptions();
      wanted = wantedPaths();
    }
    for (DescriptorConfig descriptor : tree.descriptors().values()) {
      MovedEntry move = movedTo.get(descriptor.path());
      DescriptorState previous = state.descriptors().get(descriptor.path());
      if (previous == null && move != null) {
        previous = state.descriptors().get(move.from());
        claimed.add(move.from());
      } else {
        move = null;
      }
      claimed.add(descriptor.path());
      planDescriptor(descriptor, previous, move);
    }
    for (DescriptorState gone : state.descriptors().values()) {
      if (!claimed.contains(gone.fullName())) {
        planRemoval(gone);
      }
    }
    observeHypervisors();
  }

  /** Moved entries whose old path is in the state and whose new path is not yet. */
  private Map<TreePath, MovedEntry> movesToApply() {
    Map<TreePath, MovedEntry> moves = new HashMap<>();
    for (MovedEntry move : tree.moved()) {
      if (state.descriptors().containsKey(move.from())
          && !state.descriptors().containsKey(move.to())) {
        moves.put(move.to(), move);
      }
    }
    return moves;
  }

  private void checkReplaceOptions() {
    for (TreePath path : options.replace()) {
      DescriptorState previous = state.descriptors().get(path);
      if (previous == null || previous.status() == Status.PROVISIONED) {
        diagnostics.error(null, "--replace " + path + ": no deployed VM at that path");
      }
    }
  }

  private void checkTargetOptions() {
    if (!options.targetsNamed()) {
      return;
    }
    for (TreePath target : options.targets()) {
      boolean named =
          tree.folders().keySet().stream().anyMatch(target::contains)
              || tree.descriptors().keySet().stream().anyMatch(target::contains)
              || state.folders().stream().anyMatch(target::contains)
              || state.descriptors().keySet().stream().anyMatch(target::contains);
      if (!named) {
        diagnostics.error(
            null,
            "--target " + target + ": no folder or descriptor there, in the tree or the state");
      }
    }
  }

  private void planDescriptor(DescriptorConfig config, DescriptorState previous, MovedEntry move) {
    TreePath path = config.path();
    ComputedDefinition definition = computed.get(path);
    Desired desired =
        new Desired(
            definition.config(),
            config.definition().plain(),
            config.target(),
            config.lifecycle(),
            config.dependsOn().stream().map(Valued::value).toList());
    String origin = config.origin().describe();
    if (previous == null) {
      add(
          path,
          Action.PROVISION,
          List.of(Reason.because("descriptor", "new descriptor", origin)),
          null,
          desired,
          null);
      if (config.target() == Target.DEPLOYED) {
        add(
            path,
            Action.DEPLOY,
            List.of(Reason.because("descriptor", "new descriptor", origin)),
            null,
            desired,
            null);
      }
      return;
    }
    Seen seen = see(previous, definition);
    if (seen.unreachable()) {
      return;
    }
    if (move != null) {
      Reason reason =
          new Reason(
              "full_name",
              move.from().toString(),
              path.toString(),
              move.origin().describe(),
              "moved entry");
      add(path, Action.MOVE, List.of(reason), move.from(), desired, previous.deployedConfig());
    }
    if (seen.status() == Status.PROVISIONED) {
      planProvisioned(config, previous, desired, seen);
    } else {
      planDeployed(config, previous, desired, seen, move != null);
    }
  }

  private void planProvisioned(
      DescriptorConfig config, DescriptorState previous, Desired desired, Seen seen) {
    TreePath path = config.path();
    if (config.target() == Target.DEPLOYED) {
      String note = seen.missing() ? "VM missing" : "target is deployed";
      add(
          path,
          Action.DEPLOY,
          List.of(Reason.because("vm", note, config.targetOrigin().describe())),
          null,
          desired,
          null);
      return;
    }
    List<Reason> reasons = stateDifferences(previous, desired, config);
    if (!reasons.isEmpty()) {
      add(path, Action.UPDATE, reasons, null, desired, null);
    }
  }

  /**
   * What the state records differently from the tree without touching the VM: the lifecycle
   * (prevent_destroy must hold once the file is gone), the dependencies, the local definition.
   */
  private static List<Reason> stateDifferences(
      DescriptorState previous, Desired desired, DescriptorConfig config) {
    String origin = config.origin().describe();
    List<Reason> reasons = new ArrayList<>();
    // one reason per field that differs, named as in the file: lifecycle.keep_disks
    Map<String, Object> before = previous.lifecycle().fields();
    desired
        .lifecycle()
        .fields()
        .forEach(
            (field, after) -> {
              if (!Objects.equals(before.get(field), after)) {
                reasons.add(
                    new Reason(
                        "lifecycle." + field, before.get(field), after, origin, "state only"));
              }
            });
    if (!previous.dependsOn().equals(desired.dependsOn())) {
      reasons.add(
          new Reason(
              "depends_on",
              previous.dependsOn().stream().map(TreePath::toString).toList(),
              desired.dependsOn().stream().map(TreePath::toString).toList(),
              origin,
              "state only"));
    }
    if (!Objects.equals(previous.localDefinition(), desired.localDefinition())) {
      reasons.add(new Reason("local_definition", null, null, origin, "state only"));
    }
    return reasons;
  }

  private void planDeployed(
      DescriptorConfig config,
      DescriptorState previous,
      Desired desired,
      Seen seen,
      boolean moving) {
    TreePath path = config.path();
    ComputedDefinition definition = computed.get(path);
    Map<String, Object> deployed = seen.deployedConfig();
    if (config.target() == Target.PROVISIONED) {
      Reason reason =
          Reason.because("target", "target is provisioned", config.targetOrigin().describe());
      destroy(
          path,
          Action.UNDEPLOY,
          List.of(reason),
          desired,
          deployed,
          config.lifecycle().preventDestroy());
      return;
    }
    if (options.replace().contains(path)) {
      destroy(
          path,
          Action.REPLACE,
          List.of(Reason.because("vm", "--replace", null)),
          desired,
          deployed,
          config.lifecycle().preventDestroy());
      return;
    }
    List<Reason> replacing =
        differences(VmFields.REPLACING, deployed, desired.config(), definition, null);
    if (!replacing.isEmpty()) {
      destroy(
          path, Action.REPLACE, replacing, desired, deployed, config.lifecycle().preventDestroy());
      return;
    }
    List<Reason> moves = differences(VmFields.MOVING, deployed, desired.config(), definition, null);
    if (!moves.isEmpty() && !moving) {
      add(path, Action.MOVE, moves, path, desired, deployed);
    }
    Map<String, Object> baseline = new HashMap<>(deployed);
    if (seen.live() != null) {
      Map<String, Object> live = VmFields.of(seen.live());
      for (String field : VmFields.UPDATABLE) {
        if (!config.lifecycle().ignoreChanges().contains(field)) {
          baseline.put(field, live.get(field));
        }
      }
    }
    List<Reason> updates =
        differences(VmFields.UPDATABLE, baseline, desired.config(), definition, seen);
    if (updates.isEmpty()) {
      updates = stateDifferences(previous, desired, config);
    }
    if (!updates.isEmpty()) {
      boolean reboot = updates.stream().anyMatch(r -> "requires reboot".equals(r.note()));
      changes.add(
          new Change(
              path,
              Action.UPDATE,
              updates,
              null,
              desired,
              deployed,
              reboot,
              reboot && !config.lifecycle().allowReboot()));
    }
  }

  private List<Reason> differences(
      List<String> fields,
      Map<String, Object> before,
      Map<String, Object> after,
      ComputedDefinition definition,
      Seen seen) {
    List<Reason> reasons = new ArrayList<>();
    boolean poweredOn = seen != null && seen.live() != null ? seen.live().poweredOn() : true;
    for (String field : fields) {
      Object was = before.get(field);
      Object will = after.get(field);
      if (VmFields.same(field, was, will)) {
        continue;
      }
      String origin = originOf(definition, field, was, will);
      boolean reboot =
          poweredOn
              && "on".equals(VmFields.normal("power", after.get("power")))
              && (VmFields.shrinks(field, was, will)
                  || VmFields.growsWithoutHotAdd(
                      field, was, will, seen == null ? null : seen.live()));
      reasons.add(new Reason(field, was, will, origin, reboot ? "requires reboot" : null));
    }
    return reasons;
  }

  /**
   * {@return where the new value of {@code field} was written; for tags, where the first tag that
   * changed was written (each tag has its own origin)}
   */
  private static String originOf(
      ComputedDefinition definition, String field, Object before, Object after) {
    if (field.equals("tags")) {
      Map<?, ?> was = before instanceof Map<?, ?> m ? m : Map.of();
      Map<?, ?> will = after instanceof Map<?, ?> m ? m : Map.of();
      for (Object key : new java.util.TreeSet<>(will.keySet())) {
        if (!Objects.equals(was.get(key), will.get(key))) {
          return definition.origin("tags." + key).map(o -> o.describe()).orElse(null);
        }
      }
      return null;
    }
    return definition.origin(field).map(o -> o.describe()).orElse(null);
  }

  private void destroy(
      TreePath path,
      Action action,
      List<Reason> reasons,
      Desired desired,
      Map<String, Object> deployed,
      boolean preventDestroy) {
    if (preventDestroy) {
      if (wanted != null && !wanted.contains(path)) {
        return; // not in this cut: --target elsewhere must not be blocked by it
      }
      diagnostics.error(
          null,
          "cannot "
              + action.label()
              + " "
              + path
              + ": lifecycle.prevent_destroy is set (the VM would be destroyed)",
          "remove prevent_destroy first, or forget it without destroying: vmtree state rm " + path);
      return;
    }
    changes.add(new Change(path, action, reasons, null, desired, deployed, false, false));
  }

  private void planRemoval(DescriptorState gone) {
    Reason removed = Reason.because("descriptor", "file removed", null);
    String owner = ownerOfSameVm(gone);
    if (owner != null) {
      Reason forget =
          Reason.because("vm", "its VM now belongs to " + owner + " (an interrupted move)", null);
      changes.add(
          new Change(
              gone.fullName(),
              Action.DEPROVISION,
              List.of(forget),
              null,
              null,
              gone.deployedConfig(),
              false,
              false));
      return;
    }
    Seen seen = see(gone, null);
    if (seen.unreachable()) {
      return;
    }
    if (seen.status() != Status.PROVISIONED) {
      destroy(
          gone.fullName(),
          Action.UNDEPLOY,
          List.of(removed),
          null,
          seen.deployedConfig(),
          gone.lifecycle().preventDestroy());
      if (gone.lifecycle().preventDestroy()) {
        return;
      }
    }
    changes.add(
        new Change(
            gone.fullName(),
            Action.DEPROVISION,
            List.of(removed),
            null,
            null,
            gone.deployedConfig(),
            false,
            false));
  }

  /** {@return a descriptor still in the tree whose state entry holds the same VM, or null} */
  private String ownerOfSameVm(DescriptorState gone) {
    if (gone.vmId() == null) {
      return null;
    }
    if (vmOwners == null) {
      vmOwners = new HashMap<>();
      for (DescriptorState d : state.descriptors().values()) {
        if (d.vmId() != null && tree.descriptors().containsKey(d.fullName())) {
          vmOwners.putIfAbsent(d.hypervisor() + "\u0000" + d.vmId(), d.fullName().toString());
        }
      }
    }
    return vmOwners.get(gone.hypervisor() + "\u0000" + gone.vmId());
  }

  private void add(
      TreePath path,
      Action action,
      List<Reason> reasons,
      TreePath from,
      Desired desired,
      Map<String, Object> previous) {
    changes.add(
        new Change(
            path, action, reasons, from == path ? null : from, desired, previous, false, false));
  }

  /** What refresh says about one state descriptor: its status now, and its VM. */
  private record Seen(
      Status status,
      LiveVm live,
      boolean missing,
      boolean unreachable,
      Map<String, Object> deployedConfig) {}

  private Seen see(DescriptorState previous, ComputedDefinition definition) {
    Map<String, Object> deployed =
        previous.deployedConfig() == null ? Map.of() : previous.deployedConfig();
    boolean hasVm = previous.status() != Status.PROVISIONED;
    // a deploy interrupted before its outcome was saved has no hypervisor yet, only its intent
    String hypervisor = previous.hypervisorToLookOn();
    Observation observation = hypervisor == null ? null : observed.get(hypervisor);
    if (observation == null) {
      return new Seen(hasVm ? Status.DEPLOYED : Status.PROVISIONED, null, false, false, deployed);
    }
    String path = previous.fullName().toString();
    if (observation instanceof Observation.Unreachable down) {
      if (hasVm || previous.pending() != null) {
        drift.add(
            new Drift(
                path,
                DriftKind.UNREACHABLE,
                List.of(),
                hypervisor,
                previous.vmId(),
                down.message()));
      }
      return new Seen(
          previous.status(), null, false, hasVm || previous.pending() != null, deployed);
    }
    LiveVm live = find((Observation.Listed) observation, previous);
    if (live == null) {
      // gone under an interrupted operation (an undeploy that got through): not drift; apply's
      // recovery records it provisioned, as this plan sees it
      if (hasVm && previous.pending() == null) {
        drift.add(
            new Drift(
                path, DriftKind.MISSING, List.of(), previous.hypervisor(), previous.vmId(), null));
      }
      return new Seen(Status.PROVISIONED, null, hasVm, false, deployed);
    }
    if (previous.pending() != null && !live.id().equals(previous.vmId())) {
      // created by an operation interrupted before its outcome was saved: apply's recovery adopts
      // it with the config it was created from (engine.Recovery), and this plan sees it so
      Map<String, Object> adopted = previous.pendingConfig();
      return new Seen(Status.DEPLOYED, live, false, false, adopted != null ? adopted : deployed);
    }
    if (hasVm) {
      recordChangedDrift(previous, live, deployed, definition);
    }
    return new Seen(Status.DEPLOYED, live, false, false, deployed);
  }

  /**
   * The VM of a descriptor: by {@code vm_id}; for an operation that was interrupted before its
   * outcome was saved, by the marker the engine puts on every VM it creates (SPEC §9).
   */
  private static LiveVm find(Observation.Listed listed, DescriptorState previous) {
    return listed
        .byId(previous.vmId())
        .or(
            () ->
                previous.pending() != null
                    ? listed.byMarker(previous.fullName().toString())
                    : java.util.Optional.empty())
        .orElse(null);
  }

  private void recordChangedDrift(
      DescriptorState previous,
      LiveVm live,
      Map<String, Object> deployed,
      ComputedDefinition definition) {
    Map<String, Object> actual = VmFields.of(live);
    List<String> ignoredFields = previous.lifecycle().ignoreChanges();
    List<DriftField> fields = new ArrayList<>();
    for (String field : VmFields.UPDATABLE) {
      if (!deployed.containsKey(field) && field.equals("description")) {
        continue;
      }
      boolean ignored = ignoredFields.contains(field);
      if (field.equals("tags")) {
        tagDrift(deployed.get(field), actual.get(field), definition, ignored, fields);
        continue;
      }
      Object expected = VmFields.normal(field, deployed.get(field));
      if (!VmFields.same(field, expected, actual.get(field))) {
        fields.add(
            new DriftField(
                field, expected, actual.get(field), originOf(definition, field), ignored));
      }
    }
    if (!fields.isEmpty()) {
      drift.add(
          new Drift(
              previous.fullName().toString(),
              DriftKind.CHANGED,
              fields,
              previous.hypervisor(),
              live.id(),
              null));
    }
  }

  /** One field per tag that differs, {@code tags.KEY}, each with the origin of its value. */
  private static void tagDrift(
      Object expected,
      Object actual,
      ComputedDefinition definition,
      boolean ignored,
      List<DriftField> fields) {
    Map<?, ?> was = expected instanceof Map<?, ?> m ? m : Map.of();
    Map<?, ?> is = actual instanceof Map<?, ?> m ? m : Map.of();
    Set<String> keys = new TreeSet<>();
    was.keySet().forEach(k -> keys.add(k.toString()));
    is.keySet().forEach(k -> keys.add(k.toString()));
    for (String key : keys) {
      if (!Objects.equals(was.get(key), is.get(key))) {
        String field = "tags." + key;
        fields.add(
            new DriftField(field, was.get(key), is.get(key), originOf(definition, field), ignored));
      }
    }
  }

  private static io.vmtree.diag.Origin originOf(ComputedDefinition definition, String field) {
    return definition == null ? null : definition.origin(field).orElse(null);
  }

  /** Unmanaged and orphaned VMs on the hypervisors that were listed. */
  private void observeHypervisors() {
    // ids are unique per hypervisor only: two sims both have a vm-000001
    Set<String> knownIds = new HashSet<>();
    Set<String> knownPaths = new HashSet<>();
    for (DescriptorState d : state.descriptors().values()) {
      if (d.vmId() != null) {
        knownIds.add(d.hypervisor() + "\u0000" + d.vmId());
      }
      knownPaths.add(d.fullName().toString());
    }
    for (Map.Entry<String, Observation> entry : new java.util.TreeMap<>(observed).entrySet()) {
      if (!(entry.getValue() instanceof Observation.Listed listed)) {
        continue;
      }
      for (LiveVm vm : listed.vms()) {
        if (knownIds.contains(entry.getKey() + "\u0000" + vm.id())) {
          continue;
        }
        if (!vm.isManaged()) {
          drift.add(
              new Drift(
                  entry.getKey() + ":" + vm.name(),
                  DriftKind.UNMANAGED,
                  List.of(),
                  entry.getKey(),
                  vm.id(),
                  null));
        } else if (!knownPaths.contains(vm.marker())) {
          drift.add(
              new Drift(vm.marker(), DriftKind.ORPHANED, List.of(), entry.getKey(), vm.id(), null));
        }
      }
    }
  }

  /** The changes, with folder changes added, cut to the targets, in apply's reading order. */
  private List<Change> targeted() {
    List<Change> all = new ArrayList<>(changes);
    all.addAll(folderChanges());
    if (wanted != null) {
      all.removeIf(change -> !isWanted(change, wanted));
    }
    all.sort(Planner::readingOrder);
    return all;
  }

  private List<Change> folderChanges() {
    List<Change> folders = new ArrayList<>();
    for (TreePath path : tree.folders().keySet()) {
      if (!path.isRoot() && !state.folders().contains(path)) {
        String origin = tree.folders().get(path).origin().describe();
        folders.add(
            new Change(
                path,
                Action.CREATE_FOLDER,
                List.of(Reason.because("folder", "new folder", origin)),
                null,
                null,
                null,
                false,
                false));
      }
    }
    for (TreePath path : state.folders()) {
      if (!tree.folders().containsKey(path)) {
        folders.add(
            new Change(
                path,
                Action.DELETE_FOLDER,
                List.of(Reason.because("folder", "folder removed", null)),
                null,
                null,
                null,
                false,
                false));
      }
    }
    return folders;
  }

  private Set<TreePath> wantedPaths() {
    Set<TreePath> wanted = new TreeSet<>();
    List<TreePath> queue = new ArrayList<>();
    for (TreePath target : options.targets()) {
      tree.descriptors().keySet().stream().filter(target::contains).forEach(queue::add);
      state.descriptors().keySet().stream().filter(target::contains).forEach(queue::add);
    }
    while (!queue.isEmpty()) {
      TreePath next = queue.remove(queue.size() - 1);
      if (!wanted.add(next)) {
        continue;
      }
      tree.descriptor(next).ifPresent(d -> d.dependsOn().forEach(dep -> queue.add(dep.value())));
    }
    for (TreePath target : options.targets()) {
      wanted.add(target);
    }
    return wanted;
  }

  private static boolean isWanted(Change change, Set<TreePath> wanted) {
    if (change.action() == Action.CREATE_FOLDER) {
      return wanted.stream().anyMatch(change.path()::contains);
    }
    if (change.action() == Action.DELETE_FOLDER) {
      return wanted.stream().anyMatch(w -> w.contains(change.path()));
    }
    return wanted.contains(change.path());
  }

  private static int readingOrder(Change a, Change b) {
    int rank = Integer.compare(rank(a.action()), rank(b.action()));
    if (rank != 0) {
      return rank;
    }
    int byPath = a.path().compareTo(b.path());
    return byPath != 0 ? byPath : Integer.compare(a.action().ordinal(), b.action().ordinal());
  }

  private static int rank(Action action) {
    return switch (action) {
      case CREATE_FOLDER -> 0;
      case DELETE_FOLDER -> 2;
      default -> 1;
    };
  }
}
