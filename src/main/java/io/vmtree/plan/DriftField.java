package io.vmtree.plan;

/**
 * One field that differs between what vmtree applied and what the VM has.
 *
 * @param origin where the expected value was written ({@code file:line}), or null
 * @param ignored the field is in {@code lifecycle.ignore_changes}: reported, never a failure
 */
public record DriftField(
    String field, Object expected, Object actual, String origin, boolean ignored) {}
