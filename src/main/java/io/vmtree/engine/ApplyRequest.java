package io.vmtree.engine;

import io.vmtree.apply.ApplyListener;
import io.vmtree.plan.Plan;
import io.vmtree.plan.PlanOptions;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * What to apply: a tree (planned under the lock, then shown to {@code approve}) or a saved plan
 * (applied as it is, refused when stale).
 *
 * @param tree the tree's root, or null with a saved plan
 * @param saved a plan read from a plan file, or null
 * @param command the command line, recorded in the lock
 * @param approve sees the plan and says whether to go on (the prompt); not asked for a saved plan
 */
public record ApplyRequest(
    Path tree,
    Plan saved,
    PlanOptions options,
    boolean refresh,
    int parallelism,
    String command,
    Predicate<Plan> approve,
    ApplyListener listener) {
  public ApplyRequest {
    if ((tree == null) == (saved == null)) {
      throw new IllegalArgumentException("apply takes a tree or a saved plan");
    }
  }
}
