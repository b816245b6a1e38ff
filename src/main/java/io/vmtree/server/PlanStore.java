package io.vmtree.server;

import io.vmtree.plan.Plan;
import io.vmtree.plan.PlanFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The plans the service made, each under its operation's id as a plan file in {@code
 * <state>/serve/plans/<id>.json} (the format of {@code plan --out}), so that {@code POST /v1/apply}
 * finds them after a restart. The latest few are kept in memory too.
 */
final class PlanStore {
  private static final int CACHED = 16;

  private final Path dir;
  private final Map<Long, Plan> recent =
      new LinkedHashMap<>(CACHED, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Plan> eldest) {
          return size() > CACHED;
        }
      };

  PlanStore(Path dir) {
    this.dir = dir;
  }

  /** Saves the plan of operation {@code id}, durably. */
  void save(long id, Plan plan) {
    try {
      java.nio.file.Files.createDirectories(dir); // PlanFile writes into existing directories only
      PlanFile.write(dir.resolve(id + ".json"), plan);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save plan " + id + " in " + dir, e);
    }
    synchronized (recent) {
      recent.put(id, plan);
    }
  }

  /**
   * {@return the plan of operation {@code id}}
   *
   * @throws ApiError 404 when there is none
   */
  Plan load(long id) {
    synchronized (recent) {
      Plan plan = recent.get(id);
      if (plan != null) {
        return plan;
      }
    }
    Path file = dir.resolve(id + ".json");
    if (!Files.isRegularFile(file)) {
      throw ApiError.notFound("no plan " + id + ": plan operations give their id to apply");
    }
    try {
      Plan plan = PlanFile.read(file);
      synchronized (recent) {
        recent.put(id, plan);
      }
      return plan;
    } catch (IllegalArgumentException e) {
      throw new ApiError(500, "unreadable_plan", e.getMessage());
    }
  }
}
