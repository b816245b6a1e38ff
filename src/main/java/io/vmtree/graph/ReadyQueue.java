package io.vmtree.graph;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.Semaphore;

/**
 * The vertices whose dependencies all succeeded, grouped by the semaphore that limits them, so a
 * saturated group never blocks the others. Within and across groups the vertex added first wins.
 */
final class ReadyQueue {
  private final Group unlimited = new Group(null);
  private final Map<Semaphore, Group> limited = new IdentityHashMap<>();

  void add(int vertex, Semaphore limit) {
    Group group = limit == null ? unlimited : limited.computeIfAbsent(limit, Group::new);
    group.vertices.add(vertex);
  }

  boolean isEmpty() {
    return unlimited.vertices.isEmpty() && limited.isEmpty();
  }

  /** {@return the first vertex that can start now, its permit taken; -1 when none can} */
  int pollStartable() {
    for (Group group : byHead()) {
      if (group.limit == null || group.limit.tryAcquire()) {
        return poll(group);
      }
    }
    return -1;
  }

  /**
   * {@return the first waiting vertex, its permit taken after waiting for it}
   *
   * <p>For when nothing of this walk runs yet every group is saturated: the permits are held
   * outside this walk, so no completion of ours would ever wake us.
   */
  int pollBlocking() throws InterruptedException {
    Group first = byHead().get(0);
    if (first.limit != null) {
      first.limit.acquire();
    }
    return poll(first);
  }

  private List<Group> byHead() {
    List<Group> groups = new ArrayList<>(limited.values());
    if (!unlimited.vertices.isEmpty()) {
      groups.add(unlimited);
    }
    groups.sort(Comparator.comparing(group -> group.vertices.peek()));
    return groups;
  }

  private int poll(Group group) {
    int vertex = group.vertices.poll();
    if (group.vertices.isEmpty() && group.limit != null) {
      limited.remove(group.limit);
    }
    return vertex;
  }

  private static final class Group {
    private final Semaphore limit;
    private final PriorityQueue<Integer> vertices = new PriorityQueue<>();

    private Group(Semaphore limit) {
      this.limit = limit;
    }
  }
}
