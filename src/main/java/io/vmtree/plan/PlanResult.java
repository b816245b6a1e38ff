package io.vmtree.plan;

import io.vmtree.diag.Diagnostics;

/** A plan and the problems found while making it; with errors, the plan must not be applied. */
public record PlanResult(Plan plan, Diagnostics diagnostics) {}
