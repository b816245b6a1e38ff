package io.vmtree.graph;

import java.util.Arrays;
import java.util.PriorityQueue;

/** Kahn's algorithm over vertex indices, and the search for a cycle when it cannot finish. */
final class Toposort {
  private Toposort() {}

  /**
   * {@return the indices in dependency order, ties going to the lowest index; shorter than the
   * vertex count when there is a cycle}
   */
  static int[] order(int[][] successors, int[][] predecessors) {
    int n = successors.length;
    int[] waiting = new int[n];
    PriorityQueue<Integer> ready = new PriorityQueue<>();
    for (int i = 0; i < n; i++) {
      waiting[i] = predecessors[i].length;
      if (waiting[i] == 0) {
        ready.add(i);
      }
    }
    int[] order = new int[n];
    int count = 0;
    while (!ready.isEmpty()) {
      int next = ready.poll();
      order[count++] = next;
      for (int successor : successors[next]) {
        if (--waiting[successor] == 0) {
          ready.add(successor);
        }
      }
    }
    return count == n ? order : Arrays.copyOf(order, count);
  }

  /**
   * {@return the indices of one cycle in edge order, rotated to start at its lowest index}
   *
   * <p>Every vertex left out of a partial order has a predecessor that was left out too, so
   * following predecessors from any of them must come back to a vertex already seen.
   */
  static int[] cycle(int[][] predecessors, int[] partialOrder) {
    int n = predecessors.length;
    boolean[] ordered = new boolean[n];
    for (int i : partialOrder) {
      ordered[i] = true;
    }
    int[] positionOnPath = new int[n];
    Arrays.fill(positionOnPath, -1);
    int[] path = new int[n];
    int length = 0;
    int current = firstUnordered(ordered);
    while (positionOnPath[current] < 0) {
      positionOnPath[current] = length;
      path[length++] = current;
      current = firstUnorderedPredecessor(predecessors[current], ordered);
    }
    int start = positionOnPath[current];
    int size = length - start;
    int[] cycle = new int[size];
    cycle[0] = path[start];
    for (int k = 1; k < size; k++) {
      cycle[k] = path[length - k];
    }
    return rotateToLowest(cycle);
  }

  private static int firstUnordered(boolean[] ordered) {
    for (int i = 0; i < ordered.length; i++) {
      if (!ordered[i]) {
        return i;
      }
    }
    throw new IllegalStateException("every vertex is ordered");
  }

  private static int firstUnorderedPredecessor(int[] predecessors, boolean[] ordered) {
    for (int p : predecessors) {
      if (!ordered[p]) {
        return p;
      }
    }
    throw new IllegalStateException("an unordered vertex has no unordered predecessor");
  }

  private static int[] rotateToLowest(int[] cycle) {
    int lowest = 0;
    for (int k = 1; k < cycle.length; k++) {
      if (cycle[k] < cycle[lowest]) {
        lowest = k;
      }
    }
    int[] rotated = new int[cycle.length];
    for (int k = 0; k < cycle.length; k++) {
      rotated[k] = cycle[(lowest + k) % cycle.length];
    }
    return rotated;
  }
}
