package io.vmtree.server;

import io.vmtree.apply.ApplyListener;
import io.vmtree.apply.ApplyResult;
import io.vmtree.diag.Diagnostic;
import io.vmtree.engine.ApplyOutcome;
import io.vmtree.engine.ApplyRequest;
import io.vmtree.engine.Engine;
import io.vmtree.engine.PlanRun;
import io.vmtree.engine.RefreshRun;
import io.vmtree.ops.Operation;
import io.vmtree.ops.OperationStatus;
import io.vmtree.plan.Action;
import io.vmtree.plan.Change;
import io.vmtree.plan.Plan;
import io.vmtree.plan.PlanOptions;
import io.vmtree.state.DescriptorState;
import io.vmtree.state.LastOperation;
import io.vmtree.tree.TreePath;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Carries out the jobs of the queue with the engine, against the held state and the tree. */
final class JobRunner implements OperationQueue.Runner {
  private static final JsonMapper SORTED =
      JsonMapper.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

  private final Engine engine;
  private final HeldState state;
  private final TreeView tree;
  private final PlanStore plans;
  private final Metrics metrics;
  private final RecentOperations recent;
  private final int parallelism;

  JobRunner(
      Engine engine,
      HeldState state,
      TreeView tree,
      PlanStore plans,
      Metrics metrics,
      RecentOperations recent,
      int parallelism) {
    this.engine = engine;
    this.state = state;
    this.tree = tree;
    this.plans = plans;
    this.metrics = metrics;
    this.recent = recent;
    this.parallelism = parallelism;
  }

  @Override
  public OperationQueue.Ended run(Tracked t) {
    Job job = t.job();
    if (job instanceof Job.Plan plan) {
      return plan(t, plan);
    }
    if (job instanceof Job.Apply apply) {
      return apply(t, apply);
    }
    if (job instanceof Job.Power power) {
      Operation last =
          engine.power(tree.root(), state, power.path(), power.action(), t.operation());
      String hypervisor =
          state.descriptor(power.path()).map(DescriptorState::hypervisor).orElse("");
      metrics.hypervisorCalls(hypervisor, 1);
      if (last.status() == OperationStatus.FAILED) {
        metrics.hypervisorError(hypervisor);
      }
      return OperationQueue.Ended.journaled(last);
    }
    Job.Refresh refresh = (Job.Refresh) job;
    RefreshRun run = engine.refresh(tree.root(), state, targets(refresh.scope()));
    run.calls().forEach(metrics::hypervisorCalls);
    Map<String, Object> changed = new LinkedHashMap<>();
    run.changedPaths().forEach(p -> changed.put(p.toString(), run.changed().get(p)));
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("changed", changed);
    result.put("unreachable", run.unreachable());
    result.put("recovered", run.recovered());
    result.put("hypervisor_calls", run.calls());
    result.put("took_ms", run.took().toMillis());
    return OperationQueue.Ended.succeeded(result);
  }

  private OperationQueue.Ended plan(Tracked t, Job.Plan job) {
    PlanRun run =
        engine.plan(
            tree.root(),
            state,
            new PlanOptions(targets(job.scope()), job.replace()),
            job.refresh());
    run.calls().forEach(metrics::hypervisorCalls);
    if (run.result().diagnostics().hasErrors()) {
      List<String> errors =
          run.result().diagnostics().errors().stream().map(Diagnostic::format).toList();
      return OperationQueue.Ended.failed(
          "cannot plan: " + errors.get(0), Map.of("diagnostics", errors));
    }
    Plan plan = run.result().plan();
    List<String> outside = new ArrayList<>();
    for (Change change : plan.changes()) {
      for (TreePath path : touched(change)) {
        if (job.allowed().stream().noneMatch(a -> a.contains(path))) {
          outside.add(change.action().label() + " " + path);
        }
      }
    }
    if (!outside.isEmpty()) {
      return OperationQueue.Ended.failed(
          "the plan reaches outside the subtrees of the token ("
              + String.join(", ", job.allowed().stream().map(Token::pattern).toList())
              + "): "
              + String.join(", ", outside)
              + " (a depends_on pulls them in); ask someone whose token covers them",
          Map.of("outside", outside));
    }
    plans.save(t.id(), plan);
    Map<String, Object> summary = new LinkedHashMap<>();
    plan.summary().forEach((action, n) -> summary.put(action.label(), n));
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("plan", "/v1/plans/" + t.id());
    result.put("serial", plan.serial());
    result.put("changes", plan.changes().size());
    result.put("summary", summary);
    result.put("drift", DriftScope.visibleDrift(plan.drift(), job.allowed(), job.strays()).size());
    result.put("replace", job.replace().stream().map(TreePath::toString).sorted().toList());
    result.put("hypervisor_calls", run.calls());
    result.put("took_ms", run.took().toMillis());
    return OperationQueue.Ended.succeeded(result);
  }

  private OperationQueue.Ended apply(Tracked t, Job.Apply job) {
    Plan saved = plans.load(job.plan());
    ApplyListener listener = listener();
    ApplyRequest request;
    if (!t.resumed()) {
      request =
          new ApplyRequest(
              null,
              saved,
              PlanOptions.ALL,
              true,
              parallelism,
              "serve: apply of plan " + job.plan(),
              p -> true,
              listener);
    } else {
      // the state moved on while it ran, so the saved plan is stale by design: plan the same
      // subtrees again and go on only if what is left is part of what was approved
      Set<TreePath> replace = new TreeSet<>(job.replace());
      replace.removeIf(path -> replacedSince(path, t.id()));
      request =
          new ApplyRequest(
              tree.root(),
              null,
              new PlanOptions(targets(job.scope()), replace),
              true,
              parallelism,
              "serve: resumed apply of plan " + job.plan(),
              within(saved),
              listener);
    }
    ApplyOutcome outcome = engine.apply(state, request);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("plan", job.plan());
    result.put("recovered", outcome.recovered());
    if (t.resumed()) {
      result.put("resumed", true);
    }
    if (!outcome.approved()) {
      List<String> extra = new ArrayList<>();
      Set<String> approved = keys(saved);
      for (Change change : outcome.plan().changes()) {
        if (!approved.contains(key(change))) {
          extra.add(change.key());
        }
      }
      result.put("not_approved", extra);
      return OperationQueue.Ended.failed(
          "cannot resume the apply of plan "
              + job.plan()
              + ": what is left to do is not what was approved ("
              + String.join(", ", extra)
              + "); plan again and apply the new plan",
          result);
    }
    if (outcome.result().isEmpty()) {
      result.put("operations", Map.of("total", 0));
      return OperationQueue.Ended.succeeded(result);
    }
    ApplyResult applied = outcome.result().get();
    applied.calls().forEach(metrics::hypervisorCalls);
    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("total", applied.operations().size());
    for (OperationStatus status : OperationStatus.values()) {
      if (status.isFinal()) {
        counts.put(status.label(), applied.count(status));
      }
    }
    result.put("operations", counts);
    if (!applied.operations().isEmpty()) {
      result.put("first_operation", applied.operations().get(0).id());
      result.put("last_operation", applied.operations().get(applied.operations().size() - 1).id());
    }
    result.put("hypervisor_calls", applied.calls());
    List<Operation> failed =
        applied.operations().stream()
            .filter(
                op ->
                    op.status() == OperationStatus.FAILED
                        || (op.status() == OperationStatus.SKIPPED && !ApplyResult.isBlocked(op)))
            .toList();
    if (failed.isEmpty()) {
      return OperationQueue.Ended.succeeded(result);
    }
    Operation first =
        failed.stream()
            .filter(op -> op.status() == OperationStatus.FAILED)
            .findFirst()
            .orElse(failed.get(0));
    return OperationQueue.Ended.failed(
        failed.size()
            + " of "
            + applied.operations().size()
            + " operations did not succeed; first: "
            + first.error(),
        result);
  }

  /** Records every step of an apply as it goes: the operations index and the metrics. */
  private ApplyListener listener() {
    return new ApplyListener() {
      @Override
      public void started(Change change, Operation operation) {
        recent.put(operation);
      }

      @Override
      public void finished(Change change, Operation operation) {
        recent.put(operation);
        double seconds =
            operation.started() == null || operation.finished() == null
                ? 0
                : java.time.Duration.between(operation.started(), operation.finished()).toNanos()
                    / 1e9;
        metrics.operationEnded(operation.type(), operation.status().label(), seconds);
        if (operation.status() == OperationStatus.FAILED) {
          String hypervisor = hypervisorOf(change);
          if (hypervisor != null) {
            metrics.hypervisorError(hypervisor);
          }
        }
      }
    };
  }

  private static String hypervisorOf(Change change) {
    Map<String, Object> config =
        change.previous() != null && change.action() != Action.DEPLOY
            ? change.previous()
            : change.desired() != null ? change.desired().config() : Map.of();
    Object name = config.get("use_hypervisor");
    return name == null ? null : name.toString();
  }

  /** {@return true when {@code path} was replaced by an operation after {@code since}} */
  private boolean replacedSince(TreePath path, long since) {
    LastOperation last = state.descriptor(path).map(DescriptorState::lastOperation).orElse(null);
    return last != null
        && last.id() > since
        && "replace".equals(last.type())
        && "succeeded".equals(last.outcome());
  }

  /** {@return a test that a plan made now holds only changes of {@code approved}} */
  static Predicate<Plan> within(Plan approved) {
    Set<String> keys = keys(approved);
    return plan -> plan.changes().stream().allMatch(c -> keys.contains(key(c)));
  }

  private static Set<String> keys(Plan plan) {
    Set<String> keys = new HashSet<>();
    plan.changes().forEach(c -> keys.add(key(c)));
    return keys;
  }

  /** A change as compared on resume: action, path, origin of a move, and the config it sets. */
  private static String key(Change change) {
    Map<String, Object> key = new TreeMap<>();
    key.put("action", change.action().label());
    key.put("path", change.path().toString());
    key.put("from", change.from() == null ? "" : change.from().toString());
    key.put("config", change.desired() == null ? Map.of() : change.desired().config());
    return SORTED.writeValueAsString(key);
  }

  /** {@return every path a change acts on: its path, and where a move comes from} */
  static List<TreePath> touched(Change change) {
    return change.from() == null ? List.of(change.path()) : List.of(change.path(), change.from());
  }

  /** {@return the plan targets for {@code scope}: none (everything) for the root} */
  static Set<TreePath> targets(List<TreePath> scope) {
    return scope.contains(TreePath.ROOT) ? Set.of() : new TreeSet<>(scope);
  }
}
