package io.vmtree.engine;

import io.vmtree.apply.Applier;
import io.vmtree.apply.ApplyResult;
import io.vmtree.apply.Hypervisors;
import io.vmtree.apply.Retry;
import io.vmtree.config.DescriptorConfig;
import io.vmtree.config.DesiredTree;
import io.vmtree.connector.Connector;
import io.vmtree.connector.proxmox.ProxmoxConnector;
import io.vmtree.connector.sim.SimConnector;
import io.vmtree.connector.vsphere.VsphereConnector;
import io.vmtree.definition.Cascade;
import io.vmtree.definition.ComputedDefinition;
import io.vmtree.diag.Diagnostics;
import io.vmtree.load.SchemaValidator;
import io.vmtree.load.TreeLoader;
import io.vmtree.model.DescriptorTree;
import io.vmtree.plan.Observation;
import io.vmtree.plan.Plan;
import io.vmtree.plan.PlanOptions;
import io.vmtree.plan.PlanResult;
import io.vmtree.plan.Planner;
import io.vmtree.state.DescriptorState;
import io.vmtree.state.LocalStateBackend;
import io.vmtree.state.LockInfo;
import io.vmtree.state.StateBackend;
import io.vmtree.state.StateSnapshot;
import io.vmtree.tree.Status;
import io.vmtree.tree.Target;
import io.vmtree.tree.TreePath;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engine as a set of functions over a tree root: validate, explain, and the model for {@code
 * tree}. The CLI and the service only parse input, call these and render the result.
 */
public final class Engine {
  private final TreeLoader loader;
  private final Map<String, Connector> connectors;
  private final Map<String, String> environment;
  private final Clock clock;

  private Engine(
      TreeLoader loader,
      Map<String, Connector> connectors,
      Map<String, String> environment,
      Clock clock) {
    this.loader = loader;
    this.connectors = Map.copyOf(connectors);
    this.environment = Map.copyOf(environment);
    this.clock = clock;
  }

  /** {@return an engine with every connector, the process environment and the system clock} */
  public static Engine create() {
    return create(System.getenv());
  }

  /** {@return an engine that resolves {@code ${env:...}} secrets from {@code environment}} */
  public static Engine create(Map<String, String> environment) {
    Connector sim = new SimConnector();
    Connector proxmox = new ProxmoxConnector();
    Connector vmware = new VsphereConnector();
    // the schemas load on their own thread while a tree's files are listed and parsed
    return new Engine(
        new TreeLoader(Prefetched.start("vmtree-schemas", SchemaValidator::load)),
        Map.of(sim.type(), sim, proxmox.type(), proxmox, vmware.type(), vmware),
        environment,
        Clock.systemUTC());
  }

  /**
   * {@return the plan to bring the hypervisors and {@code state} in line with the tree at {@code
   * root}}; never writes the state and takes no lock (SPEC §11)
   *
   * @throws EngineException when the tree has errors
   */
  public PlanRun plan(Path root, StateBackend state, PlanOptions options, boolean refresh) {
    return plan(root, state, readAhead(state), options, refresh);
  }

  private PlanRun plan(
      Path root,
      StateBackend state,
      Prefetched<StateSnapshot> snapshot,
      PlanOptions options,
      boolean refresh) {
    long start = System.nanoTime();
    Validation validation = validOrThrow(root);
    try (Hypervisors hypervisors = hypervisors(root, state)) {
      PlanResult result = plan(validation, snapshot.get(), hypervisors, options, refresh).result();
      return new PlanRun(
          result, hypervisors.calls(), java.time.Duration.ofNanos(System.nanoTime() - start));
    }
  }

  /**
   * {@return the operation graph apply would run: planned exactly as {@link #plan}, read-only and
   * without the lock}
   *
   * @throws EngineException when the tree has errors
   */
  public OperationGraph graph(Path root, StateBackend state, PlanOptions options, boolean refresh) {
    Prefetched<StateSnapshot> snapshot = readAhead(state);
    return OperationGraph.of(
        plan(root, state, snapshot, options, refresh).result(), snapshot.get());
  }

  /**
   * {@return the live drift of every descriptor of {@code state} and of every hypervisor (SPEC §4
   * {@code drift})}; one bulk list per hypervisor, never writes the state and takes no lock
   *
   * @throws EngineException when the tree has errors
   */
  public DriftReport drift(Path root, StateBackend state) {
    long start = System.nanoTime();
    Prefetched<StateSnapshot> snapshot = readAhead(state);
    Validation validation = validOrThrow(root);
    try (Hypervisors hypervisors = hypervisors(root, state)) {
      return DriftRun.run(validation, snapshot.get(), state::read, hypervisors, start);
    }
  }

  /**
   * {@return the drift as {@link #drift(Path, StateBackend)} finds it, of a tree validated before}
   * (the service keeps its tree in memory rather than reading it again for each run)
   *
   * @throws EngineException when the tree has errors
   */
  public DriftReport drift(Validation validation, StateBackend state) {
    long start = System.nanoTime();
    if (!validation.isValid()) {
      throw new EngineException("the tree has errors", validation.diagnostics());
    }
    Path root = validation.tree().orElseThrow().root();
    try (Hypervisors hypervisors = hypervisors(root, state)) {
      return DriftRun.run(validation, state.read(), state::read, hypervisors, start);
    }
  }

  /**
   * {@return what the apply did}: takes the lock, resolves interrupted operations, plans (or checks
   * the saved plan is current), asks for approval, and runs the plan
   *
   * @throws EngineException when the tree or the plan has errors, or a saved plan is stale
   * @throws io.vmtree.state.LockedException when someone else holds the lock
   */
  public ApplyOutcome apply(StateBackend state, ApplyRequest request) {
    Validation validation = request.tree() == null ? null : validOrThrow(request.tree());
    Path root = request.tree() != null ? request.tree() : Path.of(request.saved().treeRoot());
    LockInfo who = LocalStateBackend.currentProcess(request.command());
    try (StateBackend.StateLock lock = state.lock(who);
        Hypervisors hypervisors = hypervisors(root, state)) {
      StateSnapshot snapshot = state.read();
      Plan plan = request.saved();
      if (plan != null) {
        // before recovery, which raises the serial: a plan made after a crash already saw the
        // interrupted operations resolved as recovery resolves them (Planner.see)
        checkCurrent(plan, snapshot);
      }
      int recovered = 0;
      if (Recovery.needed(snapshot, state)) {
        Diagnostics diagnostics = new Diagnostics();
        if (validation != null) {
          // the tree's connection fields first: a vCenter may have moved since the run stopped
          validation.computed().values().forEach(c -> hypervisors.register(c.values()));
        }
        registerState(hypervisors, snapshot);
        Map<String, Observation> observed =
            Refresh.observe(hypervisors, pendingHypervisors(snapshot), diagnostics);
        recovered = Recovery.resolve(snapshot, state, observed, clock);
        snapshot = state.read();
      }
      if (plan != null) {
        plan.changes().forEach(c -> registerChange(hypervisors, c));
      } else {
        validation.computed().values().forEach(c -> hypervisors.register(c.values()));
      }
      registerState(hypervisors, snapshot);
      Diagnostics refreshProblems = new Diagnostics();
      Map<String, Observation> observed =
          request.refresh()
              ? Refresh.observe(hypervisors, hypervisors.names(), refreshProblems)
              : Map.of();
      if (refreshProblems.hasErrors()) {
        throw new EngineException("cannot refresh", refreshProblems);
      }
      if (SeenOnRefresh.record(snapshot, observed, state) > 0) {
        snapshot = state.read();
      }
      if (request.saved() == null) {
        PlanResult planned =
            Planner.plan(
                validation.tree().orElseThrow(),
                validation.computed(),
                snapshot,
                observed,
                request.options());
        if (planned.diagnostics().hasErrors()) {
          throw new EngineException("cannot plan", planned.diagnostics());
        }
        plan = planned.plan();
        if (plan.isEmpty()) {
          return new ApplyOutcome(plan, Optional.empty(), true, recovered);
        }
        if (!request.approve().test(plan)) {
          return new ApplyOutcome(plan, Optional.empty(), false, recovered);
        }
      }
      ApplyResult result =
          new Applier(state, hypervisors, clock, Retry.DEFAULT)
              .apply(plan, snapshot, request.parallelism(), request.listener());
      return new ApplyOutcome(plan, Optional.of(result), true, recovered);
    }
  }

  /**
   * {@return what the state holds at {@code path}: a descriptor, or a folder and its subtree
   * ({@code /} for everything)}; reads without the lock
   *
   * @throws EngineException when the state holds nothing there
   */
  public StateView stateView(StateBackend state, TreePath path) {
    return new StateTools(state, clock).view(path);
  }

  /**
   * {@return what {@code state mv FROM TO} changed}: only provisioned descriptors are renamed
   *
   * @param command what the lock is taken for, shown to whoever finds it locked
   * @throws EngineException when the move is refused; nothing was changed
   * @throws io.vmtree.state.LockedException when someone else holds the lock
   */
  public StateEdit stateMove(StateBackend state, TreePath from, TreePath to, String command) {
    return new StateTools(state, clock).move(from, to, LocalStateBackend.currentProcess(command));
  }

  /**
   * {@return what {@code state rm PATH...} forgot}; no VM is touched
   *
   * @throws EngineException when a path is not in the state; nothing was changed
   * @throws io.vmtree.state.LockedException when someone else holds the lock
   */
  public StateEdit stateRemove(StateBackend state, java.util.List<TreePath> paths, String command) {
    return new StateTools(state, clock).remove(paths, LocalStateBackend.currentProcess(command));
  }

  /**
   * {@return what {@code import TREE PATH VM_ID} adopted} (SPEC §9)
   *
   * @throws EngineException when the tree has errors or the import is refused
   * @throws io.vmtree.state.LockedException when someone else holds the lock
   */
  public ImportResult importVm(
      Path root, StateBackend state, TreePath path, String vmId, String command) {
    Validation validation = validOrThrow(root);
    try (Hypervisors hypervisors = hypervisors(root, state)) {
      return new Import(state, hypervisors, clock)
          .run(validation, path, vmId, LocalStateBackend.currentProcess(command));
    }
  }

  /**
   * {@return the operation that started, stopped or restarted the VM of the deployed descriptor
   * {@code path}}, final (failed when the hypervisor refused or did not answer); journaled, and
   * recorded as the descriptor's last operation. Takes the lock. The tree at {@code root} gives the
   * hypervisor's settings (and where {@code ${file:...}} secrets are); the state gives the VM.
   *
   * @param submitted the operation as submitted (its id and type), or null to submit one now
   * @throws EngineException when the descriptor has no VM to act on
   */
  public io.vmtree.ops.Operation power(
      Path root,
      StateBackend state,
      TreePath path,
      io.vmtree.connector.PowerAction action,
      io.vmtree.ops.Operation submitted) {
    Validation validation = validate(root);
    LockInfo who = LocalStateBackend.currentProcess(Power.label(action) + " " + path);
    try (StateBackend.StateLock lock = state.lock(who);
        Hypervisors hypervisors = hypervisors(root, state)) {
      ComputedDefinition computed = validation.computed().get(path);
      if (computed != null) {
        hypervisors.register(computed.values());
      }
      io.vmtree.ops.Operation op =
          submitted != null
              ? submitted
              : new io.vmtree.ops.Operation(
                  state.nextOperationId(),
                  Power.label(action),
                  java.util.List.of(path.toString()),
                  clock.instant(),
                  null,
                  null,
                  io.vmtree.ops.OperationStatus.PENDING,
                  Map.of(),
                  null);
      return Power.run(state, hypervisors, path, action, op, clock);
    }
  }

  /**
   * {@return what a recording refresh saw}: takes the lock, resolves interrupted operations, lists
   * every hypervisor once and records the lifecycle transitions it sees (VM gone, hypervisor
   * unreachable or back) for the descriptors under {@code scope} (all when empty), as apply does
   * before planning. Plans nothing.
   *
   * @throws EngineException when a hypervisor refuses to be refreshed
   */
  public RefreshRun refresh(Path root, StateBackend state, Set<TreePath> scope) {
    long start = System.nanoTime();
    Validation validation = validate(root);
    LockInfo who = LocalStateBackend.currentProcess("refresh " + root);
    try (StateBackend.StateLock lock = state.lock(who);
        Hypervisors hypervisors = hypervisors(root, state)) {
      validation.computed().values().forEach(c -> hypervisors.register(c.values()));
      registerState(hypervisors, state.read());
      return StateRefresh.run(state, hypervisors, scope, clock, start);
    }
  }

  /** A plan and the refresh it was made from. */
  private record Planned(PlanResult result, Map<String, Observation> observed) {}

  private Planned plan(
      Validation validation,
      StateSnapshot snapshot,
      Hypervisors hypervisors,
      PlanOptions options,
      boolean refresh) {
    DesiredTree tree = validation.tree().orElseThrow();
    validation.computed().values().forEach(c -> hypervisors.register(c.values()));
    registerState(hypervisors, snapshot);
    Diagnostics diagnostics = new Diagnostics();
    Map<String, Observation> observed =
        refresh ? Refresh.observe(hypervisors, hypervisors.names(), diagnostics) : Map.of();
    PlanResult result = Planner.plan(tree, validation.computed(), snapshot, observed, options);
    result.diagnostics().addAll(diagnostics);
    return new Planned(result, observed);
  }

  private static void registerChange(Hypervisors hypervisors, io.vmtree.plan.Change change) {
    if (change.desired() != null) {
      hypervisors.register(change.desired().config());
    }
    if (change.previous() != null) {
      hypervisors.register(change.previous());
    }
  }

  static void registerState(Hypervisors hypervisors, StateSnapshot snapshot) {
    for (DescriptorState d : snapshot.descriptors().values()) {
      if (d.deployedConfig() != null) {
        hypervisors.register(d.deployedConfig());
      }
      if (d.pending() != null && d.pending().result().get("config") instanceof Map<?, ?> config) {
        @SuppressWarnings("unchecked")
        Map<String, Object> typed = (Map<String, Object>) config;
        hypervisors.register(typed);
      }
    }
  }

  private static Set<String> pendingHypervisors(StateSnapshot snapshot) {
    Set<String> names = new TreeSet<>();
    for (DescriptorState d : snapshot.descriptors().values()) {
      if (d.pending() != null && d.hypervisorToLookOn() != null) {
        names.add(d.hypervisorToLookOn());
      }
    }
    return names;
  }

  /** SPEC §10: a plan made against another state is refused, naming both serials. */
  private static void checkCurrent(Plan plan, StateSnapshot snapshot) {
    // a plan made before anything was ever written carries a lineage nobody kept: serial 0 on
    // both sides means the state is still empty, which is what the plan was made against
    boolean bothEmpty = plan.serial() == 0 && snapshot.serial() == 0;
    if (!bothEmpty
        && (!plan.lineage().equals(snapshot.lineage()) || plan.serial() != snapshot.serial())) {
      Diagnostics none = new Diagnostics();
      throw new EngineException(
          "Saved plan is stale: the state changed after the plan was made (plan serial "
              + plan.serial()
              + ", state serial "
              + snapshot.serial()
              + (plan.lineage().equals(snapshot.lineage()) ? "" : ", and another lineage")
              + "); run plan again",
          none);
    }
  }

  private Hypervisors hypervisors(Path root, StateBackend state) {
    return new Hypervisors(connectors, root, state.directory(), environment);
  }

  /**
   * {@return the state, read on another thread while the tree is validated}: neither needs the
   * other, both read thousands of files, and a plan of 100,000 descriptors used to read the state
   * first (~3 s) and only then validate the tree
   */
  private static Prefetched<StateSnapshot> readAhead(StateBackend state) {
    return Prefetched.start("vmtree-state-reader", state::read);
  }

  private Validation validOrThrow(Path root) {
    Validation validation = validate(root);
    if (!validation.isValid()) {
      throw new EngineException("the tree has errors", validation.diagnostics());
    }
    return validation;
  }

  /**
   * {@return the result of every check of SPEC §2–3 on the tree at {@code root}: files, schema,
   * names, references between files, and the cascade of every descriptor}
   */
  public Validation validate(Path root) {
    Diagnostics diagnostics = new Diagnostics();
    Optional<DesiredTree> tree = load(root, diagnostics);
    if (tree.isEmpty()) {
      return new Validation(tree, Map.of(), diagnostics);
    }
    Set<TreePath> rejectedFolders = rejectedFolders(diagnostics);
    Map<TreePath, ComputedDefinition> computed = new ConcurrentHashMap<>();
    tree.get().descriptors().values().parallelStream()
        .forEach(
            d -> {
              boolean underRejected = d.path().chain().stream().anyMatch(rejectedFolders::contains);
              computed.put(d.path(), compute(tree.get(), d, diagnostics, !underRejected));
            });
    return new Validation(tree, computed, diagnostics);
  }

  /**
   * {@return the computed definition of the descriptor at {@code path}, with origins}
   *
   * @throws EngineException when the tree has errors or there is no such descriptor
   */
  public Explanation explain(Path root, TreePath path, StateBackend state) {
    Diagnostics diagnostics = new Diagnostics();
    Optional<DesiredTree> tree = load(root, diagnostics);
    if (tree.isEmpty() || diagnostics.hasErrors()) {
      throw new EngineException("the tree has errors", diagnostics);
    }
    DescriptorConfig descriptor =
        tree.get()
            .descriptor(path)
            .orElseThrow(
                () ->
                    new EngineException(
                        tree.get().folders().containsKey(path)
                            ? path + " is a folder; explain takes a descriptor"
                            : "no descriptor " + path + " in " + root,
                        diagnostics));
    ComputedDefinition computed = compute(tree.get(), descriptor, diagnostics);
    if (diagnostics.hasErrors()) {
      throw new EngineException("the definition of " + path + " has errors", diagnostics);
    }
    DescriptorState recorded = state.read().descriptors().get(path);
    Status status = recorded == null ? Status.PROVISIONED : recorded.status();
    return new Explanation(descriptor, status, computed);
  }

  /**
   * {@return the tree at {@code root} as an object model, with each descriptor's status as recorded
   * in {@code state}} (descriptors the state does not know yet are {@code provisioned})
   *
   * @throws EngineException when the tree has errors
   */
  public DescriptorTree model(Path root, StateBackend state) {
    Validation validation = validOrThrow(root);
    Map<TreePath, io.vmtree.model.Descriptor.Known> known = new java.util.HashMap<>();
    for (DescriptorState d : state.read().descriptors().values()) {
      known.put(
          d.fullName(), new io.vmtree.model.Descriptor.Known(d.status(), d.vmId(), d.lastError()));
    }
    return DescriptorTree.of(validation.tree().get(), known);
  }

  private Optional<DesiredTree> load(Path root, Diagnostics diagnostics) {
    Optional<DesiredTree> tree = loader.load(root, diagnostics);
    tree.ifPresent(t -> io.vmtree.load.TreeChecks.check(t, diagnostics));
    return tree;
  }

  /**
   * Folders whose {@code _folder.yaml} was rejected: their definition is missing from the cascade,
   * so what their descriptors seem to lack is a consequence, not news.
   */
  private static Set<TreePath> rejectedFolders(Diagnostics diagnostics) {
    Set<TreePath> folders = new java.util.HashSet<>();
    for (io.vmtree.diag.Diagnostic d : diagnostics.errors()) {
      if (d.subject() == null) {
        continue;
      }
      String file = d.subject().file();
      String name = file.substring(file.lastIndexOf('/') + 1);
      if (name.equals("_folder.yaml") || name.equals("_folder.yml")) {
        String dir = file.contains("/") ? file.substring(0, file.lastIndexOf('/')) : "";
        folders.add(TreePath.of("/" + dir));
      }
    }
    return folders;
  }

  private static ComputedDefinition compute(
      DesiredTree tree, DescriptorConfig descriptor, Diagnostics diagnostics) {
    return compute(tree, descriptor, diagnostics, true);
  }

  private static ComputedDefinition compute(
      DesiredTree tree,
      DescriptorConfig descriptor,
      Diagnostics diagnostics,
      boolean checkMissing) {
    Diagnostics own = new Diagnostics();
    ComputedDefinition computed = Cascade.compute(tree.chain(descriptor.path()), own);
    // an unknown prototype already explains the missing sizes: don't pile errors on top of it
    if (checkMissing && descriptor.target() == Target.DEPLOYED && !own.hasErrors()) {
      Cascade.checkDeployable(computed, descriptor.path().toString(), descriptor.origin(), own);
    }
    diagnostics.addAll(own);
    return computed;
  }
}
