package io.vmtree.server;

import io.vmtree.config.DescriptorConfig;
import io.vmtree.config.DesiredTree;
import io.vmtree.connector.PowerAction;
import io.vmtree.definition.ComputedDefinition;
import io.vmtree.engine.DriftReport;
import io.vmtree.engine.Explanation;
import io.vmtree.ops.Operation;
import io.vmtree.ops.OperationStatus;
import io.vmtree.plan.Change;
import io.vmtree.plan.Plan;
import io.vmtree.report.DriftJson;
import io.vmtree.report.ExplainRenderer;
import io.vmtree.report.OperationJson;
import io.vmtree.report.PlanRenderer;
import io.vmtree.state.DescriptorState;
import io.vmtree.state.LastOperation;
import io.vmtree.state.StateSnapshot;
import io.vmtree.tree.Status;
import io.vmtree.tree.TreePath;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The routes of the HTTP API (version 1) and what each does. Every route is listed in {@link
 * #routes()} with the role it needs; the OpenAPI document in {@code openapi.json} describes the
 * same routes (a test checks that).
 */
final class Api {
  /** How long {@code ?wait=} may hold a request. */
  static final Duration MAX_WAIT = Duration.ofSeconds(120);

  private static final int DEFAULT_LIMIT = 100;
  private static final int MAX_LIMIT = 1000;

  /** A handler of one route. */
  interface Handler {
    Http.Reply handle(Http.Request request, Matcher match);
  }

  /**
   * A route: method, path pattern, the pattern's literal start (up to its first group or operator),
   * the path as the OpenAPI document writes it, and the role it needs (null: open to anyone, such
   * as the health check). A path that does not start with the literal start cannot match, and is
   * not tried: a matcher tried on every route was the largest part of what a read allocated.
   */
  record Route(
      String method, Pattern pattern, String prefix, String template, Role role, Handler handler) {}

  private final Service service;
  private final List<Route> routes;

  /**
   * The last answer rendered for an operation polled, by id, and what it was rendered from: the
   * operation's record and the queue's entry, if any (its {@code requested_by}); see {@link
   * #operationReply}.
   */
  private record RenderedOperation(Operation operation, Tracked queued, byte[] json) {}

  private static final int MAX_RENDERED_OPERATIONS = 1024;
  private final Map<Long, RenderedOperation> renderedOperations = new ConcurrentHashMap<>();
  private final RenderedDefinitions definitions = new RenderedDefinitions();

  Api(Service service) {
    this.service = service;
    this.routes =
        List.of(
            route("GET", "/healthz", "/healthz", null, this::health),
            route("GET", "/metrics", "/metrics", Role.READ, this::metrics),
            route("GET", "/v1/openapi.json", "/v1/openapi.json", null, this::openapi),
            route("GET", "/v1/tree", "/v1/tree", Role.READ, this::tree),
            route(
                "GET",
                "/v1/descriptors/(?<path>.+)",
                "/v1/descriptors/{path}",
                Role.READ,
                this::descriptor),
            route("GET", "/v1/drift", "/v1/drift", Role.READ, this::drift),
            route("GET", "/v1/operations", "/v1/operations", Role.READ, this::operations),
            route(
                "GET",
                "/v1/operations/(?<id>[^/]+)",
                "/v1/operations/{id}",
                Role.READ,
                this::operation),
            route("GET", "/v1/plans/(?<id>[^/]+)", "/v1/plans/{id}", Role.READ, this::plan),
            route("POST", "/v1/plan", "/v1/plan", Role.PLAN, this::submitPlan),
            route("POST", "/v1/apply", "/v1/apply", Role.APPLY, this::submitApply),
            route(
                "POST",
                "/v1/descriptors/(?<path>.+)/(?<action>start|stop|restart)",
                "/v1/descriptors/{path}/{action}",
                Role.APPLY,
                this::submitPower),
            route("POST", "/v1/refresh", "/v1/refresh", Role.APPLY, this::submitRefresh),
            route("POST", "/v1/reload", "/v1/reload", Role.ADMIN, this::reload));
  }

  private static Route route(
      String method, String regex, String template, Role role, Handler handler) {
    int literal = 0;
    while (literal < regex.length() && "\\()[]{}.*+?^$|".indexOf(regex.charAt(literal)) < 0) {
      literal++;
    }
    return new Route(
        method, Pattern.compile(regex), regex.substring(0, literal), template, role, handler);
  }

  /** {@return every route, in the order they are matched} */
  List<Route> routes() {
    return routes;
  }

  // ---- service

  private Http.Reply health(Http.Request request, Matcher match) {
    Map<String, Object> json = new LinkedHashMap<>();
    boolean stopping = service.stopping();
    json.put("status", stopping ? "stopping" : "ok");
    json.put("tree_generation", service.tree().current().generation());
    json.put("operations_waiting", service.queue().waitingCount());
    json.put("operations_running", service.queue().runningCount());
    return new Http.Json(stopping ? 503 : 200, json);
  }

  private Http.Reply metrics(Http.Request request, Matcher match) {
    return new Http.Text(
        200, "text/plain; version=0.0.4; charset=utf-8", service.metrics().scrape());
  }

  private Http.Reply openapi(Http.Request request, Matcher match) {
    return new Http.Text(200, "application/json", openApiDocument());
  }

  /** {@return the OpenAPI document of this API, as kept in the repository} */
  static String openApiDocument() {
    try (var in = Api.class.getResourceAsStream("openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private Http.Reply reload(Http.Request request, Matcher match) {
    RequestBody.parse(request.body(), Set.of());
    return new Http.Later(service.tree().reloadForRequest().thenApply(Api::reloaded));
  }

  private static Http.Reply reloaded(TreeView.Loaded loaded) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("generation", loaded.generation());
    json.put("descriptors", loaded.validation().tree().map(t -> t.descriptors().size()).orElse(0));
    json.put("errors", loaded.errors());
    json.put("took_ms", loaded.tookMs());
    return new Http.Json(200, json);
  }

  // ---- reads

  private Http.Reply tree(Http.Request request, Matcher match) {
    Token token = request.token();
    String at = request.query().getOrDefault("path", "/");
    TreePath root = RequestBody.path("path", at);
    if (!token.covers(root) && !token.leadsTo(root)) {
      throw outOfScope(token, root);
    }
    TreeView.Loaded loaded = service.tree().current();
    Optional<DesiredTree> desired = loaded.validation().tree();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("tree_generation", loaded.generation());
    json.put("loaded_at", loaded.loadedAt().toString());
    TreeErrors.Cut errors = TreeErrors.cut(loaded.problems(), token);
    json.put("errors", errors.shown());
    if (errors.hidden() > 0) {
      json.put("errors_outside_subtrees", errors.hidden());
    }
    if (desired.isEmpty()) {
      return new Http.Json(200, json);
    }
    DesiredTree tree = desired.get();
    if (!root.isRoot() && !tree.folders().containsKey(root)) {
      throw ApiError.notFound(
          tree.descriptors().containsKey(root)
              ? root + " is a descriptor: GET /v1/descriptors" + root
              : "no folder " + root + " in the tree");
    }
    Map<TreePath, List<TreePath>> folders = new HashMap<>();
    Map<TreePath, List<TreePath>> descriptors = new HashMap<>();
    for (TreePath folder : tree.folders().keySet()) {
      if (!folder.isRoot() && root.contains(folder)) {
        folders.computeIfAbsent(folder.parent(), p -> new ArrayList<>()).add(folder);
      }
    }
    for (TreePath path : tree.descriptors().keySet()) {
      if (root.contains(path)) {
        descriptors.computeIfAbsent(path.parent(), p -> new ArrayList<>()).add(path);
      }
    }
    // descriptors whose file is gone but whose VM (or entry) the state still holds
    for (TreePath path : service.state().view().keySet()) {
      if (root.contains(path) && !tree.descriptors().containsKey(path)) {
        descriptors.computeIfAbsent(path.parent(), p -> new ArrayList<>()).add(path);
      }
    }
    json.put("tree", folder(root, token, tree, folders, descriptors));
    return new Http.Json(200, json);
  }

  private Map<String, Object> folder(
      TreePath path,
      Token token,
      DesiredTree tree,
      Map<TreePath, List<TreePath>> folders,
      Map<TreePath, List<TreePath>> descriptors) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("full_name", path.toString());
    json.put("name", path.isRoot() ? "/" : path.name());
    List<Object> subfolders = new ArrayList<>();
    for (TreePath sub : sorted(folders.get(path))) {
      if (token.covers(sub) || token.leadsTo(sub)) {
        subfolders.add(folder(sub, token, tree, folders, descriptors));
      }
    }
    json.put("folders", subfolders);
    List<Object> items = new ArrayList<>();
    for (TreePath d : sorted(descriptors.get(path))) {
      if (token.covers(d)) {
        items.add(summary(d, tree));
      }
    }
    json.put("descriptors", items);
    return json;
  }

  private static List<TreePath> sorted(List<TreePath> paths) {
    if (paths == null) {
      return List.of();
    }
    List<TreePath> copy = new ArrayList<>(paths);
    copy.sort(null);
    return copy;
  }

  private Map<String, Object> summary(TreePath path, DesiredTree tree) {
    Map<String, Object> json = new LinkedHashMap<>();
    Optional<DescriptorState> recorded = service.state().descriptor(path);
    json.put("full_name", path.toString());
    json.put("name", path.name());
    json.put("status", recorded.map(d -> d.status().label()).orElse(Status.PROVISIONED.label()));
    tree.descriptor(path).ifPresent(d -> json.put("target", d.target().label()));
    json.put("in_tree", tree.descriptors().containsKey(path));
    recorded.map(DescriptorState::vmId).ifPresent(id -> json.put("vm_id", id));
    List<Long> busy = service.queue().on(path).stream().map(Tracked::id).toList();
    if (!busy.isEmpty()) {
      json.put("operations_in_progress", busy);
    }
    return json;
  }

  private Http.Reply descriptor(Http.Request request, Matcher match) {
    TreePath path = RequestBody.path("path", "/" + match.group("path"));
    Token token = request.token();
    if (!token.covers(path)) {
      throw outOfScope(token, path);
    }
    TreeView.Loaded loaded = service.tree().current();
    Optional<DescriptorConfig> desired =
        loaded.validation().tree().flatMap(t -> t.descriptor(path));
    Optional<DescriptorState> recorded = service.state().descriptor(path);
    if (desired.isEmpty() && recorded.isEmpty()) {
      boolean folder =
          loaded.validation().tree().map(t -> t.folders().containsKey(path)).orElse(false);
      throw ApiError.notFound(
          folder
              ? path + " is a folder: GET /v1/tree?path=" + path
              : "no descriptor " + path + " in the tree or the state");
    }
    Status status = recorded.map(DescriptorState::status).orElse(Status.PROVISIONED);
    Map<String, Object> json;
    ComputedDefinition computed = loaded.validation().computed().get(path);
    if (desired.isPresent() && computed != null) {
      json = ExplainRenderer.summary(new Explanation(desired.get(), status, computed));
      json.putAll(definitions.of(path, computed));
    } else {
      json = new LinkedHashMap<>();
      json.put("full_name", path.toString());
      json.put("status", status.label());
    }
    json.put("in_tree", desired.isPresent());
    DescriptorState d = recorded.orElse(null);
    json.put("vm_id", d == null ? null : d.vmId());
    json.put("hypervisor", d == null ? null : d.hypervisor());
    json.put("deployed_config", d == null ? null : d.deployedConfig());
    json.put("last_error", d == null ? null : d.lastError());
    json.put("last_operation", d == null ? null : last(d.lastOperation()));
    List<Object> busy = new ArrayList<>();
    for (Tracked t : service.queue().on(path)) {
      Operation op = t.operation();
      busy.add(Map.of("id", op.id(), "type", op.type(), "status", op.status().label()));
    }
    json.put("operations_in_progress", busy);
    return new Http.Json(200, json);
  }

  /**
   * The latest drift report, cut to the token's subtrees; with none yet, or with {@code
   * ?refresh=true}, the answer waits for a run (without holding a thread).
   */
  private Http.Reply drift(Http.Request request, Matcher match) {
    Token token = request.token();
    String refresh = request.query().getOrDefault("refresh", "false");
    if (!refresh.equals("true") && !refresh.equals("false")) {
      throw ApiError.badRequest("refresh must be true or false, not \"" + refresh + "\"");
    }
    DriftWatch watch = service.drift();
    Optional<DriftWatch.Latest> latest = watch.latest();
    if (latest.isPresent() && refresh.equals("false")) {
      return driftReply(latest.get(), token);
    }
    return new Http.Later(watch.refresh().thenApply(made -> driftReply(made, token)));
  }

  private static Http.Reply driftReply(DriftWatch.Latest latest, Token token) {
    DriftReport report = DriftScope.cut(latest.report(), token);
    // SPEC §4's drift --format json, with fields added after it (SPEC: add fields, never rename)
    Map<String, Object> json = new LinkedHashMap<>(DriftJson.document(report));
    json.put("checked_at", latest.checkedAt().toString());
    json.put("descriptors_checked", report.descriptors().size());
    json.put("hypervisor_calls", new TreeMap<>(latest.report().calls()));
    json.put("took_ms", latest.report().took().toMillis());
    return new Http.Json(200, json);
  }

  private static Map<String, Object> last(LastOperation last) {
    if (last == null) {
      return null;
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", last.id());
    json.put("type", last.type());
    json.put("started", last.started() == null ? null : last.started().toString());
    json.put("finished", last.finished() == null ? null : last.finished().toString());
    json.put("outcome", last.outcome());
    json.put("result", last.result());
    return json;
  }

  private Http.Reply operations(Http.Request request, Matcher match) {
    Token token = request.token();
    String status = request.query().get("status");
    if (status != null
        && java.util.Arrays.stream(OperationStatus.values())
            .noneMatch(s -> s.label().equals(status))) {
      throw ApiError.badRequest(
          "status must be pending, running, succeeded, failed or skipped, not \"" + status + "\"");
    }
    int limit = DEFAULT_LIMIT;
    String limitText = request.query().get("limit");
    if (limitText != null) {
      try {
        limit = Integer.parseInt(limitText);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        throw ApiError.badRequest("limit must be a whole number from 1 to " + MAX_LIMIT);
      }
    }
    TreeMap<Long, Operation> all = new TreeMap<>();
    for (Operation op : service.state().journal().list()) {
      all.put(op.id(), op);
    }
    for (Tracked t : service.queue().active()) {
      all.put(t.id(), t.operation());
    }
    List<Map<String, Object>> matching = new ArrayList<>();
    for (Operation op : all.values()) {
      if ((status == null || op.status().label().equals(status)) && visible(token, op)) {
        matching.add(json(op));
      }
    }
    List<Map<String, Object>> last =
        matching.subList(Math.max(0, matching.size() - limit), matching.size());
    return new Http.Json(200, Map.of("operations", last));
  }

  private Http.Reply operation(Http.Request request, Matcher match) {
    long id = number(match.group("id"), "operation id");
    Duration wait = waitOf(request.query().get("wait"));
    Token token = request.token();
    Optional<Tracked> tracked = service.queue().find(id);
    Operation op =
        tracked
            .map(Tracked::operation)
            .or(() -> service.recent().get(id))
            .or(() -> service.state().journal().get(id))
            .orElseThrow(() -> ApiError.notFound("no operation " + id));
    if (!visible(token, op)) {
      throw ApiError.forbidden(
          "operation " + id + " acts outside the subtrees of token " + token.name());
    }
    if (op.status().isFinal() || wait.isZero() || tracked.isEmpty()) {
      return operationReply(op);
    }
    Tracked t = tracked.get();
    CompletableFuture<Http.Reply> reply =
        t.done()
            .thenApply(this::operationReply)
            .copy()
            .completeOnTimeout(null, wait.toMillis(), TimeUnit.MILLISECONDS)
            .thenApply(r -> r != null ? r : operationReply(t.operation()));
    return new Http.Later(reply);
  }

  private Http.Reply plan(Http.Request request, Matcher match) {
    long id = number(match.group("id"), "plan id");
    planOperation(id, request.token());
    Plan plan = DriftScope.cut(service.plans().load(id), request.token());
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", id);
    json.put("serial", plan.serial());
    json.putAll(PlanRenderer.toJson(plan));
    return new Http.Json(200, json);
  }

  // ---- acts

  private Http.Reply submitPlan(Http.Request request, Matcher match) {
    RequestBody body = RequestBody.parse(request.body(), Set.of("targets", "replace", "refresh"));
    Token token = request.token();
    List<TreePath> scope = scope(token, body.paths("targets"));
    List<TreePath> replace = body.paths("replace");
    for (TreePath path : replace) {
      if (!token.covers(path)) {
        throw outOfScope(token, path);
      }
    }
    Job job =
        new Job.Plan(
            scope,
            Set.copyOf(replace),
            body.bool("refresh", true),
            token.subtrees(),
            DriftScope.seesStrayVms(token));
    return accepted(service.queue().submit(job, token.name(), List.of()));
  }

  private Http.Reply submitApply(Http.Request request, Matcher match) {
    RequestBody body = RequestBody.parse(request.body(), Set.of("plan"));
    Token token = request.token();
    long id = body.id("plan");
    Operation op = planOperation(id, token);
    if (op.status() != OperationStatus.SUCCEEDED) {
      throw ApiError.conflict(
          "plan "
              + id
              + " is "
              + op.status().label()
              + (op.status().isFinal() ? ": plan again" : ": wait for it to finish")
              + " (GET /v1/operations/"
              + id
              + "?wait=30s)");
    }
    Plan plan = service.plans().load(id);
    StateSnapshot now = service.state().header();
    boolean bothEmpty = plan.serial() == 0 && now.serial() == 0;
    if (!bothEmpty && (plan.serial() != now.serial() || !plan.lineage().equals(now.lineage()))) {
      throw new ApiError(
          409,
          "stale_plan",
          "plan "
              + id
              + " is stale: the state changed after it was made (plan serial "
              + plan.serial()
              + ", state serial "
              + now.serial()
              + "); plan again");
    }
    List<TreePath> marks = new ArrayList<>();
    for (Change change : plan.changes()) {
      marks.addAll(JobRunner.touched(change));
    }
    List<TreePath> scope = op.targets().stream().map(TreePath::of).toList();
    Set<TreePath> replace = new java.util.TreeSet<>();
    if (op.result().get("replace") instanceof List<?> list) {
      list.forEach(p -> replace.add(TreePath.of(p.toString())));
    }
    Job job = new Job.Apply(id, scope, replace);
    return accepted(service.queue().submit(job, token.name(), marks));
  }

  private Http.Reply submitPower(Http.Request request, Matcher match) {
    RequestBody.parse(request.body(), Set.of());
    TreePath path = RequestBody.path("path", "/" + match.group("path"));
    Token token = request.token();
    if (!token.covers(path)) {
      throw outOfScope(token, path);
    }
    PowerAction action = PowerAction.valueOf(match.group("action").toUpperCase(Locale.ROOT));
    DescriptorState d =
        service
            .state()
            .descriptor(path)
            .orElseThrow(
                () -> ApiError.notFound("no descriptor " + path + " in the state: apply it first"));
    if (d.status() != Status.DEPLOYED) {
      throw ApiError.conflict(
          path
              + " is "
              + d.status().label()
              + ": only a deployed descriptor has a VM to "
              + match.group("action"));
    }
    Job job = new Job.Power(path, action);
    return accepted(service.queue().submit(job, token.name(), List.of(path)));
  }

  private Http.Reply submitRefresh(Http.Request request, Matcher match) {
    RequestBody body = RequestBody.parse(request.body(), Set.of("targets"));
    Token token = request.token();
    List<TreePath> scope = scope(token, body.paths("targets"));
    return accepted(service.queue().submit(new Job.Refresh(scope), token.name(), scope));
  }

  private static Http.Reply accepted(Tracked t) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", t.id());
    json.put("status", "pending");
    json.put("type", t.job().type());
    json.put("targets", t.operation().targets());
    return new Http.Json(202, json, Map.of("Location", "/v1/operations/" + t.id()));
  }

  // ---- helpers

  /** {@return the targets asked for, each checked against the token; its subtrees if none} */
  private static List<TreePath> scope(Token token, List<TreePath> targets) {
    if (targets.isEmpty()) {
      return token.subtrees();
    }
    for (TreePath target : targets) {
      if (!token.covers(target)) {
        throw outOfScope(token, target);
      }
    }
    return targets;
  }

  /**
   * {@return plan operation {@code id}}: one out of the token's reach is refused before its type is
   * told, as {@code GET /v1/operations/{id}} refuses it, so as not to say what it is
   */
  private Operation planOperation(long id, Token token) {
    Operation op =
        service
            .queue()
            .find(id)
            .map(Tracked::operation)
            .or(() -> service.state().journal().get(id))
            .orElseThrow(() -> ApiError.notFound("no plan " + id));
    if (!visible(token, op)) {
      throw ApiError.forbidden(
          "operation " + id + " acts outside the subtrees of token " + token.name());
    }
    if (!op.type().equals("plan")) {
      String type = op.type();
      String article = "aeiou".indexOf(type.charAt(0)) >= 0 ? "an " : "a ";
      throw ApiError.notFound("operation " + id + " is " + article + type + ", not a plan");
    }
    return op;
  }

  private static boolean visible(Token token, Operation op) {
    if (op.targets().isEmpty()) {
      return token.coversRoot();
    }
    for (String target : op.targets()) {
      TreePath path;
      try {
        path = TreePath.of(target);
      } catch (IllegalArgumentException e) {
        return token.coversRoot();
      }
      if (!token.covers(path)) {
        return false;
      }
    }
    return true;
  }

  private Map<String, Object> json(Operation op) {
    Map<String, Object> json = OperationJson.of(op);
    service.queue().find(op.id()).ifPresent(t -> json.put("requested_by", t.requestedBy()));
    return json;
  }

  /**
   * {@return the answer of {@code GET /v1/operations/{id}}}: rendered again only when the
   * operation's record changed, since clients poll an operation far more often than it changes (a
   * record is replaced, never modified, at each change)
   */
  private Http.Reply operationReply(Operation op) {
    Tracked queued = service.queue().find(op.id()).orElse(null);
    RenderedOperation last = renderedOperations.get(op.id());
    if (last != null && last.operation() == op && last.queued() == queued) {
      return new Http.Encoded(200, last.json());
    }
    byte[] json = JsonAnswer.line(json(op));
    if (renderedOperations.size() >= MAX_RENDERED_OPERATIONS) {
      renderedOperations.clear(); // bounded; the operations polled now are rendered again
    }
    renderedOperations.put(op.id(), new RenderedOperation(op, queued, json));
    return new Http.Encoded(200, json);
  }

  static ApiError outOfScope(Token token, TreePath path) {
    return ApiError.forbidden(
        path
            + " is outside the subtrees of token "
            + token.name()
            + " ("
            + String.join(", ", token.patterns())
            + ")");
  }

  private static long number(String text, String what) {
    try {
      long n = Long.parseLong(text);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ApiError.badRequest(what + " must be a positive integer, not \"" + text + "\"");
  }

  /**
   * {@return the time {@code ?wait=} asks for: {@code 30s}, {@code 500ms}, {@code 2m} or seconds}
   */
  static Duration waitOf(String text) {
    if (text == null || text.isEmpty()) {
      return Duration.ZERO;
    }
    Matcher m = Pattern.compile("(\\d{1,6})(ms|s|m)?").matcher(text);
    if (!m.matches()) {
      throw ApiError.badRequest(
          "wait must be a duration like 30s, 500ms or 2m, not \"" + text + "\"");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    Duration wait =
        switch (unit) {
          case "ms" -> Duration.ofMillis(n);
          case "m" -> Duration.ofMinutes(n);
          default -> Duration.ofSeconds(n);
        };
    return wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait;
  }
}
