package io.vmtree.plan;

import io.vmtree.diag.Origin;

/**
 * One field that differs between what vmtree applied and what the VM has. Tags are compared one by
 * one: a field {@code tags.env} for each tag that differs, with its own origin.
 *
 * @param expected the value in {@code deployed_config} (defaults filled in: power {@code on}); null
 *     for a tag that was not applied
 * @param actual the live value; null for a tag the VM no longer has
 * @param origin where the expected value is written in the tree, or null (the descriptor left the
 *     tree, or the value is a default)
 * @param ignored the field is in {@code lifecycle.ignore_changes}: reported, never a failure
 */
public record DriftField(
    String field, Object expected, Object actual, Origin origin, boolean ignored) {}
