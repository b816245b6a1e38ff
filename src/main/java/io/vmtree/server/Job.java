package io.vmtree.server;

import io.vmtree.connector.PowerAction;
import io.vmtree.tree.TreePath;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * What a request asks the service to do, once accepted: kept with its operation in the queue, and
 * on disk until it is final, so that a restart runs it (again).
 */
sealed interface Job {
  /** {@return the operation type: plan, apply, refresh, start, stop or restart} */
  String type();

  /** {@return the subtrees it concerns; the root means everything} */
  List<TreePath> scope();

  /** {@return true when it writes the state (it then runs alone among writers)} */
  boolean writes();

  /** {@return its fields for the queue file} */
  Map<String, Object> toJson();

  /**
   * A plan of {@code scope} (the root: everything), cut to it.
   *
   * @param replace descriptors to replace even if nothing changed
   * @param refresh whether to refresh the hypervisors first
   * @param allowed the subtrees of the token that asked: a plan reaching outside them (a dependency
   *     elsewhere) fails, and its result counts the drift in them only
   * @param strays whether that token sees the VMs no descriptor owns ({@link
   *     DriftScope#seesStrayVms})
   */
  record Plan(
      List<TreePath> scope,
      Set<TreePath> replace,
      boolean refresh,
      List<TreePath> allowed,
      boolean strays)
      implements Job {
    public Plan {
      scope = List.copyOf(scope);
      replace = Set.copyOf(new TreeSet<>(replace));
      allowed = List.copyOf(allowed);
    }

    /** A plan for a token that sees stray VMs when it covers the whole tree. */
    Plan(List<TreePath> scope, Set<TreePath> replace, boolean refresh, List<TreePath> allowed) {
      this(scope, replace, refresh, allowed, allowed.contains(TreePath.ROOT));
    }

    @Override
    public String type() {
      return "plan";
    }

    @Override
    public boolean writes() {
      return false;
    }

    @Override
    public Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("scope", strings(scope));
      json.put("replace", strings(new TreeSet<>(replace)));
      json.put("refresh", refresh);
      json.put("allowed", strings(allowed));
      json.put("strays", strays);
      return json;
    }
  }

  /**
   * The apply of plan {@code plan}; {@code scope} and {@code replace} are the plan's, used when an
   * interrupted apply is resumed.
   */
  record Apply(long plan, List<TreePath> scope, Set<TreePath> replace) implements Job {
    public Apply {
      scope = List.copyOf(scope);
      replace = Set.copyOf(new TreeSet<>(replace));
    }

    @Override
    public String type() {
      return "apply";
    }

    @Override
    public boolean writes() {
      return true;
    }

    @Override
    public Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("plan", plan);
      json.put("scope", strings(scope));
      json.put("replace", strings(new TreeSet<>(replace)));
      return json;
    }
  }

  /** Start, stop or restart the VM of one descriptor. */
  record Power(TreePath path, PowerAction action) implements Job {
    @Override
    public String type() {
      return action.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public List<TreePath> scope() {
      return List.of(path);
    }

    @Override
    public boolean writes() {
      return true;
    }

    @Override
    public Map<String, Object> toJson() {
      return Map.of("path", path.toString());
    }
  }

  /** Refresh every hypervisor and record what it shows, for the descriptors of {@code scope}. */
  record Refresh(List<TreePath> scope) implements Job {
    public Refresh {
      scope = List.copyOf(scope);
    }

    @Override
    public String type() {
      return "refresh";
    }

    @Override
    public boolean writes() {
      return true;
    }

    @Override
    public Map<String, Object> toJson() {
      return Map.of("scope", strings(scope));
    }
  }

  /** {@return the job of type {@code type} with the fields {@code json} of a queue file} */
  static Job fromJson(String type, JsonNode json) {
    return switch (type) {
      case "plan" ->
          new Plan(
              paths(json.get("scope")),
              new TreeSet<>(paths(json.get("replace"))),
              json.get("refresh").asBoolean(),
              paths(json.get("allowed")),
              // absent from queue files written before it was kept
              json.has("strays")
                  ? json.get("strays").asBoolean()
                  : paths(json.get("allowed")).contains(TreePath.ROOT));
      case "apply" ->
          new Apply(
              json.get("plan").asLong(),
              paths(json.get("scope")),
              new TreeSet<>(paths(json.get("replace"))));
      case "refresh" -> new Refresh(paths(json.get("scope")));
      case "start", "stop", "restart" ->
          new Power(
              TreePath.of(json.get("path").asString()),
              PowerAction.valueOf(type.toUpperCase(Locale.ROOT)));
      default -> throw new IllegalArgumentException("unknown operation type " + type);
    };
  }

  private static List<TreePath> paths(JsonNode array) {
    List<TreePath> paths = new ArrayList<>();
    for (JsonNode item : array) {
      paths.add(TreePath.of(item.asString()));
    }
    return paths;
  }

  private static List<String> strings(java.util.Collection<TreePath> paths) {
    return paths.stream().map(TreePath::toString).toList();
  }
}
