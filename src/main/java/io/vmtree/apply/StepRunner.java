package io.vmtree.apply;

import io.vmtree.connector.ConnectorException;
import io.vmtree.connector.DeleteResult;
import io.vmtree.connector.HypervisorSession;
import io.vmtree.connector.LiveVm;
import io.vmtree.connector.PowerAction;
import io.vmtree.connector.VmSpec;
import io.vmtree.definition.MemorySize;
import io.vmtree.ops.Operation;
import io.vmtree.ops.OperationStatus;
import io.vmtree.plan.Action;
import io.vmtree.plan.Change;
import io.vmtree.plan.Desired;
import io.vmtree.plan.VmFields;
import io.vmtree.state.DescriptorState;
import io.vmtree.state.LastOperation;
import io.vmtree.state.StateBackend;
import io.vmtree.tree.Lifecycle;
import io.vmtree.tree.Status;
import io.vmtree.tree.TreePath;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Carries out one change: journals the intent, records it on the descriptor ({@code pending}),
 * calls the hypervisor, then saves the outcome — so a process killed at any point leaves a trace
 * the next run resolves by looking (ARCHITECTURE habit 5).
 */
final class StepRunner {
  private final StateBackend state;
  private final Hypervisors hypervisors;
  private final Retry retry;
  private final Clock clock;
  private final ApplyListener listener;
  private final Map<TreePath, DescriptorState> current;
  private final Map<Long, Operation> failures = new ConcurrentHashMap<>();
  // the operations whose intent was written ahead of their step, durably (writeIntentsAhead): the
  // step finds it written
  private final Set<Long> intentsAhead = ConcurrentHashMap.newKeySet();

  StepRunner(
      StateBackend state,
      Hypervisors hypervisors,
      Retry retry,
      Clock clock,
      ApplyListener listener,
      Map<TreePath, DescriptorState> initial) {
    this.state = state;
    this.hypervisors = hypervisors;
    this.retry = retry;
    this.clock = clock;
    this.listener = listener;
    this.current = new ConcurrentHashMap<>(initial);
  }

  /** {@return the operation a change becomes, submitted now} */
  Operation submit(Change change) {
    return new Operation(
        state.nextOperationId(),
        change.action().label(),
        List.of(change.path().toString()),
        clock.instant(),
        null,
        null,
        OperationStatus.PENDING,
        Map.of(),
        null);
  }

  /** {@return the hypervisor a change acts on, or null for state-only changes} */
  String hypervisorOf(Change change) {
    return switch (change.action()) {
      case PROVISION, DEPROVISION, CREATE_FOLDER, DELETE_FOLDER -> null;
      case UPDATE, MOVE ->
          change.stateOnly()
                  || (statusOf(change) == Status.PROVISIONED && change.previous() == null)
              ? null
              : hypervisorName(change);
      default -> hypervisorName(change);
    };
  }

  private Status statusOf(Change change) {
    TreePath key = change.from() != null ? change.from() : change.path();
    DescriptorState d = current.get(key);
    return d == null ? null : d.status();
  }

  private static String hypervisorName(Change change) {
    Map<String, Object> config =
        change.previous() != null && change.action() != Action.DEPLOY
            ? change.previous()
            : change.desired() != null ? change.desired().config() : Map.of();
    Object name = config.get("use_hypervisor");
    return name == null ? null : name.toString();
  }

  /**
   * Runs {@code change} as {@code op}, saving state and journal along the way.
   *
   * @throws StepFailure when it could not be done; state and journal say so
   */
  Operation run(Change change, Operation op) {
    Operation running = op.running(clock.instant());
    state.journal().appendDeferred(running);
    listener.started(change, running);
    try {
      Map<String, Object> result = execute(change, running);
      Operation done = running.succeeded(clock.instant(), result);
      state.journal().appendDeferred(done);
      listener.finished(change, done);
      return done;
    } catch (RuntimeException e) {
      String message = message(change, e);
      Operation failed = running.ended(clock.instant(), OperationStatus.FAILED, message);
      recordFailure(change, failed, e);
      state.journal().appendDeferred(failed);
      failures.put(failed.id(), failed);
      listener.finished(change, failed);
      throw new StepFailure(message, e);
    }
  }

  /** {@return the final record of operation {@code id} if it failed, else {@code submitted}} */
  Operation failedOr(Operation submitted) {
    return failures.getOrDefault(submitted.id(), submitted);
  }

  /** Journals a change that was not run, with why. */
  Operation skip(Change change, Operation op, String why) {
    if (intentsAhead.remove(op.id())) {
      // its intent was written ahead, and its call never made: nothing is pending any more
      DescriptorState intent = current.get(intentKey(change));
      save(withPending(intent, null));
    }
    Operation skipped = op.ended(clock.instant(), OperationStatus.SKIPPED, why);
    state.journal().appendDeferred(skipped);
    listener.finished(change, skipped);
    return skipped;
  }

  private Map<String, Object> execute(Change change, Operation op) {
    TreePath path = change.path();
    return switch (change.action()) {
      case CREATE_FOLDER -> {
        state.putFolder(path);
        yield Map.of();
      }
      case DELETE_FOLDER -> {
        state.removeFolder(path);
        yield Map.of();
      }
      case PROVISION -> provision(change, op);
      case DEPROVISION -> deprovision(change, op);
      case DEPLOY -> deploy(change, op);
      case UNDEPLOY -> undeploy(change, op);
      case REPLACE -> replace(change, op);
      case UPDATE -> update(change, op);
      case MOVE -> move(change, op);
    };
  }

  private Map<String, Object> provision(Change change, Operation op) {
    Transitions.next(change.path(), statusOrNull(change.path()), Action.PROVISION);
    Desired desired = change.desired();
    save(
        new DescriptorState(
            change.path(),
            Status.PROVISIONED,
            null,
            null,
            desired.localDefinition(),
            null,
            null,
            last(op, "succeeded", Map.of()),
            desired.lifecycle(),
            desired.dependsOn(),
            null));
    return Map.of();
  }

  private Map<String, Object> deprovision(Change change, Operation op) {
    DescriptorState before = current.get(change.path());
    if (before == null || before.status() == Status.PROVISIONED || !ownedElsewhere(before)) {
      Transitions.next(change.path(), statusOrNull(change.path()), Action.DEPROVISION);
    }
    state.remove(change.path());
    current.remove(change.path());
    return Map.of();
  }

  private Map<String, Object> deploy(Change change, Operation op) {
    DescriptorState before = require(change.path());
    Transitions.next(change.path(), before.status(), Action.DEPLOY);
    markPending(before, op, intended(change, before));
    LiveVm vm = create(change, hypervisorName(change));
    Map<String, Object> config = change.desired().config();
    Map<String, Object> deployed = VmFields.asDeployed(config, vm);
    saveDeployed(before, change.desired(), deployed, vm, op, Map.of("vm_id", vm.id()));
    if (deployed != config) {
      // the hypervisor already had a VM with this marker, configured otherwise: recorded as it
      // is, so that the next plan updates it with the reasons and reboot rules of any update
      java.util.Set<String> fields = new java.util.TreeSet<>(config.keySet());
      fields.addAll(deployed.keySet());
      List<String> differs =
          fields.stream()
              .filter(field -> !java.util.Objects.equals(deployed.get(field), config.get(field)))
              .toList();
      return Map.of(
          "vm_id", vm.id(), "hypervisor", hypervisorName(change), "existing_vm_differs", differs);
    }
    return Map.of("vm_id", vm.id(), "hypervisor", hypervisorName(change));
  }

  private Map<String, Object> undeploy(Change change, Operation op) {
    DescriptorState before = require(change.path());
    Transitions.next(change.path(), before.status(), Action.UNDEPLOY);
    markPending(before, op, intended(change, before));
    DeleteResult deleted = delete(change, before);
    Map<String, Object> result = deleteResult(change, before, deleted);
    // a descriptor still in the tree (target: provisioned) is recorded as the tree has it now,
    // as every other step records it; a removed one keeps what it last had, until deprovision
    Desired desired = change.desired();
    save(
        new DescriptorState(
            before.fullName(),
            Status.PROVISIONED,
            null,
            null,
            desired == null ? before.localDefinition() : desired.localDefinition(),
            null,
            null,
            last(op, "succeeded", result),
            desired == null ? before.lifecycle() : desired.lifecycle(),
            desired == null ? before.dependsOn() : desired.dependsOn(),
            null));
    return result;
  }

  private Map<String, Object> replace(Change change, Operation op) {
    DescriptorState before = require(change.path());
    Transitions.next(change.path(), before.status(), Action.REPLACE);
    markPending(before, op, intended(change, before));
    DeleteResult deleted = delete(change, before);
    // the new VM goes where the tree says now, which may be another hypervisor than the old one
    LiveVm vm = create(change, String.valueOf(change.desired().config().get("use_hypervisor")));
    Map<String, Object> result = new LinkedHashMap<>(deleteResult(change, before, deleted));
    result.put("vm_id", vm.id());
    result.put("replaced_vm_id", before.vmId());
    saveDeployed(before, change.desired(), vm, op, result);
    return result;
  }

  private Map<String, Object> update(Change change, Operation op) {
    DescriptorState before = require(change.path());
    Transitions.next(change.path(), before.status(), Action.UPDATE);
    Desired desired = change.desired();
    if (before.status() == Status.PROVISIONED || change.stateOnly()) {
      save(withDefinition(before, desired, last(op, "succeeded", Map.of()), before.fullName()));
      return Map.of();
    }
    markPending(before, op, intended(change, before));
    String hypervisor = before.hypervisor();
    VmSpec spec = spec(change.path(), desired);
    LiveVm vm =
        limited(
            hypervisor,
            session -> {
              if (change.requiresReboot()) {
                retry.call(() -> session.power(before.vmId(), PowerAction.STOP));
              }
              LiveVm updated = retry.call(() -> session.update(before.vmId(), spec));
              if (change.requiresReboot() && spec.poweredOn() && !updated.poweredOn()) {
                updated = retry.call(() -> session.power(before.vmId(), PowerAction.START));
              }
              return updated;
            });
    saveDeployed(before, desired, vm, op, Map.of("vm_id", vm.id()));
    return change.requiresReboot()
        ? Map.of("vm_id", vm.id(), "rebooted", true)
        : Map.of("vm_id", vm.id());
  }

  private Map<String, Object> move(Change change, Operation op) {
    TreePath from = change.from() != null ? change.from() : change.path();
    DescriptorState before = require(from);
    Transitions.next(from, before.status(), Action.MOVE);
    Desired desired = change.desired();
    if (before.status() == Status.PROVISIONED) {
      DescriptorState moved =
          withDefinition(before, desired, last(op, "succeeded", Map.of()), change.path());
      relocate(from, moved);
      return Map.of("from", from.toString());
    }
    markPending(before, op, intended(change, before));
    VmSpec spec = spec(change.path(), desired);
    LiveVm vm =
        limited(
            before.hypervisor(), session -> retry.call(() -> session.move(before.vmId(), spec)));
    DescriptorState moved =
        new DescriptorState(
            change.path(),
            before.status(),
            vm.id(),
            before.hypervisor(),
            desired.localDefinition(),
            before.deployedConfig(),
            null,
            last(op, "succeeded", Map.of("from", from.toString())),
            desired.lifecycle(),
            desired.dependsOn(),
            null);
    relocate(from, moved);
    return Map.of("from", from.toString(), "vm_id", vm.id());
  }

  /** Saves the descriptor under its new path first, then forgets the old: never without one. */
  private void relocate(TreePath from, DescriptorState moved) {
    save(moved);
    if (!from.equals(moved.fullName())) {
      state.remove(from);
      current.remove(from);
    }
  }

  private LiveVm create(Change change, String hypervisor) {
    VmSpec spec = spec(change.path(), change.desired());
    return limited(hypervisor, session -> retry.call(() -> session.create(spec)));
  }

  private DeleteResult delete(Change change, DescriptorState before) {
    boolean keepDisks = keepDisks(change, before);
    return limited(
        before.hypervisor(), session -> retry.call(() -> session.delete(before.vmId(), keepDisks)));
  }

  /**
   * {@return whether a destroy keeps the disks}: when the tree says so now or the state says it did
   * when last applied; a file that sets {@code keep_disks} and {@code target: provisioned} in one
   * edit keeps them, and a deleted file still does what it last said. Kept disks can be deleted by
   * hand; destroyed ones cannot be brought back.
   */
  private static boolean keepDisks(Change change, DescriptorState before) {
    return before.lifecycle().keepDisks()
        || (change.desired() != null && change.desired().lifecycle().keepDisks());
  }

  private static Map<String, Object> deleteResult(
      Change change, DescriptorState before, DeleteResult deleted) {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("deleted_vm_id", before.vmId());
    if (keepDisks(change, before)) {
      result.put("kept_disks", deleted.keptDisks());
    }
    return result;
  }

  /** Calls the hypervisor; the walker already holds its {@code max_parallel} permit. */
  private <T> T limited(String hypervisor, java.util.function.Function<HypervisorSession, T> call) {
    return call.apply(retry.call(() -> hypervisors.session(hypervisor)));
  }

  static VmSpec spec(TreePath path, Desired desired) {
    Map<String, Object> config = desired.config();
    List<String> folder = path.parent().segments();
    @SuppressWarnings("unchecked")
    Map<String, String> tags = (Map<String, String>) config.getOrDefault("tags", Map.of());
    Object description = config.get("description");
    return new VmSpec(
        path.name(),
        folder,
        path.toString(),
        String.valueOf(config.get("base_image")),
        ((Number) config.get("vcpu")).intValue(),
        MemorySize.parse(String.valueOf(config.get("memory"))).mebibytes(),
        !"off".equals(config.get("power")),
        tags,
        description == null ? null : description.toString());
  }

  /**
   * {@return the configuration the intent of {@code change} records before its hypervisor call, or
   * null when it calls none from {@code before}}: the desired one for a new VM or an update, none
   * for a destroy, the deployed one for a move (which changes only the VM's place)
   */
  private static Map<String, Object> intended(Change change, DescriptorState before) {
    return switch (change.action()) {
      case DEPLOY, REPLACE -> change.desired().config();
      case UNDEPLOY -> Map.of();
      case UPDATE ->
          before.status() == Status.PROVISIONED || change.stateOnly()
              ? null
              : change.desired().config();
      case MOVE ->
          before.status() == Status.PROVISIONED
              ? null
              : java.util.Objects.requireNonNullElse(before.deployedConfig(), Map.of());
      case PROVISION, DEPROVISION, CREATE_FOLDER, DELETE_FOLDER -> null;
    };
  }

  /** {@return the path of the descriptor a change's intent is recorded on} */
  private static TreePath intentKey(Change change) {
    return change.action() == Action.MOVE && change.from() != null ? change.from() : change.path();
  }

  /**
   * {@return the intent {@code change} will record before its call, as operation {@code op}, if it
   * makes one and could run now; else null}
   */
  Intent intentAhead(Change change, Operation op) {
    DescriptorState before = current.get(intentKey(change));
    Map<String, Object> config = before == null ? null : intended(change, before);
    if (config == null) {
      return null;
    }
    try {
      Transitions.next(before.fullName(), before.status(), change.action());
    } catch (RuntimeException refused) {
      return null; // the step fails when it runs, saying why
    }
    return new Intent(op, pending(before, op, config));
  }

  /** An intent made ahead of its step: the descriptor as it is recorded before the call. */
  record Intent(Operation op, DescriptorState descriptor) {}

  /**
   * Writes intents ahead of their steps, made durable by one sync, after which their steps do not
   * write them again. An intent written ahead of a call that is never made is cleared when its step
   * is skipped, or resolved by looking after a crash, as one whose call failed.
   */
  void writeIntentsAhead(List<Intent> intents) {
    for (int i = 0; i < intents.size(); i++) {
      DescriptorState descriptor = intents.get(i).descriptor();
      if (i < intents.size() - 1) {
        save(descriptor); // durable with the last: the state's writes are one log
      } else {
        saveDurably(descriptor);
      }
    }
    for (Intent intent : intents) {
      intentsAhead.add(intent.op().id());
    }
  }

  /**
   * Records the intent on the descriptor, durably, before the hypervisor is called: the one write
   * of a step that must be on disk before it goes on (a crash after the call is resolved from it).
   */
  private void markPending(DescriptorState before, Operation op, Map<String, Object> config) {
    if (intentsAhead.remove(op.id())) {
      return; // written ahead: before is that intent
    }
    saveDurably(pending(before, op, config));
  }

  private DescriptorState pending(
      DescriptorState before, Operation op, Map<String, Object> config) {
    return withPending(before, last(op, "running", Map.of("config", config)));
  }

  private static DescriptorState withPending(DescriptorState before, LastOperation pending) {
    return new DescriptorState(
        before.fullName(),
        before.status(),
        before.vmId(),
        before.hypervisor(),
        before.localDefinition(),
        before.deployedConfig(),
        before.lastError(),
        before.lastOperation(),
        before.lifecycle(),
        before.dependsOn(),
        pending);
  }

  private void saveDeployed(
      DescriptorState before,
      Desired desired,
      LiveVm vm,
      Operation op,
      Map<String, Object> result) {
    saveDeployed(before, desired, desired.config(), vm, op, result);
  }

  private void saveDeployed(
      DescriptorState before,
      Desired desired,
      Map<String, Object> deployedConfig,
      LiveVm vm,
      Operation op,
      Map<String, Object> result) {
    save(
        new DescriptorState(
            before.fullName(),
            Status.DEPLOYED,
            vm.id(),
            String.valueOf(desired.config().get("use_hypervisor")),
            desired.localDefinition(),
            deployedConfig,
            null,
            last(op, "succeeded", result),
            desired.lifecycle(),
            desired.dependsOn(),
            null));
  }

  private static DescriptorState withDefinition(
      DescriptorState before, Desired desired, LastOperation last, TreePath path) {
    Lifecycle lifecycle = desired == null ? before.lifecycle() : desired.lifecycle();
    return new DescriptorState(
        path,
        before.status(),
        before.vmId(),
        before.hypervisor(),
        desired == null ? before.localDefinition() : desired.localDefinition(),
        before.deployedConfig(),
        null,
        last,
        lifecycle,
        desired == null ? before.dependsOn() : desired.dependsOn(),
        null);
  }

  /**
   * After a failure: the error on the descriptor, and {@code unreachable} when it could not be
   * reached.
   */
  private void recordFailure(Change change, Operation failed, RuntimeException e) {
    TreePath key =
        change.from() != null && !current.containsKey(change.path())
            ? change.from()
            : change.path();
    DescriptorState before = current.get(key);
    if (before == null
        || change.action() == Action.CREATE_FOLDER
        || change.action() == Action.DELETE_FOLDER) {
      return;
    }
    boolean unreachable =
        e instanceof ConnectorException c && c.kind() == ConnectorException.Kind.UNREACHABLE;
    Status status =
        unreachable && before.status() == Status.DEPLOYED ? Status.UNREACHABLE : before.status();
    // refused calls changed nothing; after a lost connection or a timeout the VM may or may
    // not have changed, so the intent stays pending and the next run resolves it by looking
    boolean certain =
        !(e instanceof ConnectorException c2)
            || c2.kind() == ConnectorException.Kind.REJECTED
            || c2.kind() == ConnectorException.Kind.NOT_FOUND;
    save(
        new DescriptorState(
            before.fullName(),
            status,
            before.vmId(),
            before.hypervisor(),
            before.localDefinition(),
            before.deployedConfig(),
            failed.error(),
            last(failed, "failed", Map.of()),
            before.lifecycle(),
            before.dependsOn(),
            certain ? null : before.pending()));
  }

  private LastOperation last(Operation op, String outcome, Map<String, Object> result) {
    return new LastOperation(
        op.id(),
        op.type(),
        op.started() == null ? op.submitted() : op.started(),
        "running".equals(outcome) ? null : clock.instant(),
        outcome,
        result);
  }

  /**
   * Saves a step's outcome: visible at once, durable by the next intent or when the lock is
   * released; no hypervisor call waits on it, and a crash before it is resolved from the intent.
   */
  private void save(DescriptorState descriptor) {
    state.putDeferred(descriptor);
    current.put(descriptor.fullName(), descriptor);
  }

  private void saveDurably(DescriptorState descriptor) {
    state.put(descriptor);
    current.put(descriptor.fullName(), descriptor);
  }

  /** A deployed entry may be forgotten only when another entry holds its VM (a cut-off move). */
  private boolean ownedElsewhere(DescriptorState d) {
    return d.vmId() != null
        && current.values().stream()
            .anyMatch(
                other ->
                    other != d
                        && d.vmId().equals(other.vmId())
                        && java.util.Objects.equals(d.hypervisor(), other.hypervisor()));
  }

  private Status statusOrNull(TreePath path) {
    DescriptorState d = current.get(path);
    return d == null ? null : d.status();
  }

  private DescriptorState require(TreePath path) {
    DescriptorState d = current.get(path);
    if (d == null) {
      throw new IllegalStateException(path + " is not in the state");
    }
    return d;
  }

  private static String message(Change change, RuntimeException e) {
    String cause = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return "cannot " + change.action().label() + " " + change.path() + ": " + cause;
  }
}
