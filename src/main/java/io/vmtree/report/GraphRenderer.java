package io.vmtree.report;

import io.vmtree.engine.OperationGraph;
import io.vmtree.graph.Dag;
import io.vmtree.graph.Edge;
import io.vmtree.plan.Action;
import io.vmtree.plan.Change;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders the operation graph of {@code vmtree graph} as Graphviz DOT or a Mermaid flowchart. Nodes
 * come in the order apply would start them (topological), edges ordered by their first end, so the
 * text reads top to bottom in execution order. Node ids are derived from the change ({@code
 * deploy_2flab_2fweb1}) with every character other than a letter or digit escaped, so paths with
 * {@code /}, {@code .} or {@code -} never clash or break either syntax.
 */
public final class GraphRenderer {
  /** The output formats of {@code graph --format}. */
  public enum Format {
    DOT,
    MERMAID;

    /** {@return the format named {@code text}, case-insensitive} */
    public static Format parse(String text) {
      for (Format format : values()) {
        if (format.name().equalsIgnoreCase(text)) {
          return format;
        }
      }
      throw new IllegalArgumentException(
          "unknown format \"" + text + "\"; expected dot or mermaid");
    }
  }

  private GraphRenderer() {}

  /** Writes {@code graph} in {@code format}. */
  public static void render(OperationGraph graph, Format format, PrintWriter out) {
    Dag<Change> dag = graph.graph();
    List<Change> order = dag.topologicalOrder();
    Map<Change, Integer> position = new HashMap<>();
    for (int i = 0; i < order.size(); i++) {
      position.put(order.get(i), i);
    }
    List<Edge<Change>> edges = new ArrayList<>(dag.edges());
    edges.sort(
        Comparator.<Edge<Change>>comparingInt(e -> position.get(e.from()))
            .thenComparingInt(e -> position.get(e.to())));
    switch (format) {
      case DOT -> dot(order, edges, graph.blocked(), out);
      case MERMAID -> mermaid(order, edges, graph.blocked(), out);
    }
    out.flush();
  }

  private static void dot(
      List<Change> nodes, List<Edge<Change>> edges, List<Change> blocked, PrintWriter out) {
    out.println("digraph vmtree {");
    out.println("  rankdir=TB;");
    out.println("  node [shape=box, style=rounded, fontname=\"Helvetica\"];");
    if (nodes.isEmpty() && blocked.isEmpty()) {
      out.println("  // no changes: apply would do nothing");
    }
    for (Change change : nodes) {
      out.println(
          "  "
              + id(change)
              + " [label=\""
              + dotText(label(change))
              + "\""
              + (stateOnly(change) ? ", style=\"rounded,dashed\"" : "")
              + "];");
    }
    for (Change change : blocked) {
      out.println(
          "  "
              + id(change)
              + " [label=\""
              + dotText(label(change) + "\nblocked: not run")
              + "\", style=\"rounded,dotted\", color=gray];");
    }
    for (Edge<Change> edge : edges) {
      out.println("  " + id(edge.from()) + " -> " + id(edge.to()) + ";");
    }
    out.println("}");
  }

  private static void mermaid(
      List<Change> nodes, List<Edge<Change>> edges, List<Change> blocked, PrintWriter out) {
    out.println("flowchart TD");
    if (nodes.isEmpty() && blocked.isEmpty()) {
      out.println("  %% no changes: apply would do nothing");
    }
    for (Change change : nodes) {
      out.println("  " + id(change) + "[\"" + mermaidText(label(change)) + "\"]");
    }
    for (Change change : blocked) {
      out.println(
          "  " + id(change) + "[\"" + mermaidText(label(change) + "\nblocked: not run") + "\"]");
    }
    for (Edge<Change> edge : edges) {
      out.println("  " + id(edge.from()) + " --> " + id(edge.to()));
    }
    if (!blocked.isEmpty()) {
      out.println("  classDef blocked stroke-dasharray: 2 2,color:#888");
      out.println(
          "  class "
              + String.join(",", blocked.stream().map(GraphRenderer::id).toList())
              + " blocked");
    }
  }

  /** {@return the action, the target (and where a move comes from), and the hypervisor} */
  static String label(Change change) {
    StringBuilder label = new StringBuilder(change.action().label());
    if (change.requiresReboot()) {
      label.append(" (reboot)");
    }
    label.append('\n');
    if (change.from() != null) {
      label.append(change.from()).append(" → ");
    }
    label.append(change.path());
    String hypervisor = hypervisor(change);
    if (hypervisor != null) {
      label.append("\non ").append(hypervisor);
    }
    return label.toString();
  }

  private static String hypervisor(Change change) {
    if (stateOnly(change)) {
      return null;
    }
    Map<String, Object> config =
        change.action() == Action.UNDEPLOY || change.desired() == null
            ? change.previous()
            : change.desired().config();
    Object name = config == null ? null : config.get("use_hypervisor");
    return name == null ? null : name.toString();
  }

  /** {@return true for a change that only writes the state and never calls a hypervisor} */
  private static boolean stateOnly(Change change) {
    return switch (change.action()) {
      case PROVISION, DEPROVISION, CREATE_FOLDER, DELETE_FOLDER -> true;
      case UPDATE -> change.stateOnly() || change.previous() == null;
      default -> false;
    };
  }

  /**
   * {@return a node id for both formats: the action, then the path with every character but a
   * letter or digit written as {@code _XX} (its code in hex), so distinct paths give distinct ids}
   */
  static String id(Change change) {
    StringBuilder id = new StringBuilder(change.action().label().replace("_", ""));
    id.append('_');
    String path = change.path().toString();
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        id.append(c);
      } else {
        id.append('_').append(String.format(Locale.ROOT, "%02x", (int) c));
      }
    }
    return id.toString();
  }

  private static String dotText(String text) {
    return text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static String mermaidText(String text) {
    return text.replace("\"", "#quot;").replace("\n", "<br/>");
  }
}
