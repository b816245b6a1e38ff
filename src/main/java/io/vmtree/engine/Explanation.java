package io.vmtree.engine;

import io.vmtree.config.DescriptorConfig;
import io.vmtree.definition.ComputedDefinition;
import io.vmtree.tree.Status;

/** The computed definition of one descriptor, with where each value comes from. */
public record Explanation(
    DescriptorConfig descriptor, Status status, ComputedDefinition computed) {}
