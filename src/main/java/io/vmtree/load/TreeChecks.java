package io.vmtree.load;

import io.vmtree.config.DescriptorConfig;
import io.vmtree.config.DesiredTree;
import io.vmtree.config.MovedEntry;
import io.vmtree.definition.Valued;
import io.vmtree.diag.Diagnostics;
import io.vmtree.tree.TreePath;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks that span files (SPEC §11): {@code depends_on} names existing descriptors and has no
 * cycle; {@code moved} entries lead from a name that is gone to one that exists. A name whose file
 * was rejected is neither known nor reported as unknown: its file's own errors say why.
 */
public final class TreeChecks {
  private TreeChecks() {}

  /** Adds an error for every broken reference of {@code tree}. */
  public static void check(DesiredTree tree, Diagnostics diagnostics) {
    checkDependencies(tree, diagnostics);
    checkMoves(tree, diagnostics);
  }

  private static void checkDependencies(DesiredTree tree, Diagnostics diagnostics) {
    for (DescriptorConfig descriptor : tree.descriptors().values()) {
      for (Valued<TreePath> dependency : descriptor.dependsOn()) {
        TreePath target = dependency.value();
        if (target.equals(descriptor.path())) {
          diagnostics.error(dependency.origin(), "depends_on: " + target + " depends on itself");
        } else if (tree.folder(target).isPresent()) {
          diagnostics.error(
              dependency.origin(),
              "depends_on: " + target + " is a folder; name the descriptors it should wait for");
        } else if (tree.descriptor(target).isEmpty() && !tree.mayBeRejected(target)) {
          // a target whose file has errors is reported at that file, not here again
          diagnostics.error(dependency.origin(), "depends_on: unknown descriptor " + target);
        }
      }
    }
    new CycleFinder(tree, diagnostics).run();
  }

  /** Depth-first search with colours; reports each cycle once, at the edge that closes it. */
  private static final class CycleFinder {
    private final DesiredTree tree;
    private final Diagnostics diagnostics;
    private final Map<TreePath, Integer> state = new HashMap<>(); // 1 visiting, 2 done

    CycleFinder(DesiredTree tree, Diagnostics diagnostics) {
      this.tree = tree;
      this.diagnostics = diagnostics;
    }

    void run() {
      for (DescriptorConfig descriptor : tree.descriptors().values()) {
        // a descriptor without dependencies closes no cycle; it is met again as a target
        if (!descriptor.dependsOn().isEmpty() && !state.containsKey(descriptor.path())) {
          visit(descriptor.path());
        }
      }
    }

    // iterative, so a dependency chain of 100,000 descriptors cannot overflow the stack
    private void visit(TreePath start) {
      Deque<Frame> stack = new ArrayDeque<>();
      List<TreePath> path = new ArrayList<>();
      stack.push(new Frame(start));
      state.put(start, 1);
      path.add(start);
      while (!stack.isEmpty()) {
        Frame frame = stack.peek();
        List<Valued<TreePath>> edges = tree.descriptor(frame.node).orElseThrow().dependsOn();
        if (frame.next == edges.size()) {
          state.put(frame.node, 2);
          stack.pop();
          path.remove(path.size() - 1);
          continue;
        }
        Valued<TreePath> edge = edges.get(frame.next++);
        TreePath to = edge.value();
        if (tree.descriptor(to).isEmpty() || to.equals(frame.node)) {
          continue;
        }
        Integer seen = state.get(to);
        if (seen == null) {
          state.put(to, 1);
          path.add(to);
          stack.push(new Frame(to));
        } else if (seen == 1) {
          List<String> cycle = new ArrayList<>();
          for (TreePath p : path.subList(path.indexOf(to), path.size())) {
            cycle.add(p.toString());
          }
          cycle.add(to.toString());
          diagnostics.error(
              edge.origin(), "depends_on: dependency cycle " + String.join(" -> ", cycle));
        }
      }
    }

    private static final class Frame {
      final TreePath node;
      int next;

      Frame(TreePath node) {
        this.node = node;
      }
    }
  }

  private static void checkMoves(DesiredTree tree, Diagnostics diagnostics) {
    Map<TreePath, MovedEntry> byFrom = new HashMap<>();
    for (MovedEntry move : tree.moved()) {
      MovedEntry earlier = byFrom.putIfAbsent(move.from(), move);
      if (earlier != null) {
        diagnostics.error(
            move.origin(),
            "moved: " + move.from() + " is moved twice",
            "also at " + earlier.origin().position());
      }
      if (exists(tree, move.from())) {
        diagnostics.error(
            move.origin(),
            "moved: " + move.from() + " still exists in the tree",
            "from names the old path, which must be gone");
      }
      if (!exists(tree, move.to()) && !tree.mayBeRejected(move.to())) {
        diagnostics.error(move.origin(), "moved: " + move.to() + " does not exist in the tree");
      }
      if (move.from().contains(move.to()) || move.to().contains(move.from())) {
        diagnostics.error(
            move.origin(), "moved: cannot move " + move.from() + " into or out of itself");
      }
    }
  }

  private static boolean exists(DesiredTree tree, TreePath path) {
    return tree.descriptor(path).isPresent() || tree.folder(path).isPresent();
  }
}
