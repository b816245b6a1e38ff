package io.vmtree.engine;

import io.vmtree.apply.ApplyResult;
import io.vmtree.plan.Plan;
import java.util.Optional;

/**
 * How an apply went: the plan it ran, and the result — empty when there was nothing to do or the
 * plan was not approved.
 *
 * @param recovered descriptors whose interrupted operations were resolved first
 */
public record ApplyOutcome(
    Plan plan, Optional<ApplyResult> result, boolean approved, int recovered) {}
