/** The desired tree as written in YAML: folders, descriptors and moves, each with its origin. */
package io.vmtree.config;
