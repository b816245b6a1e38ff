/** Definitions and the cascade that merges them down the tree into a computed definition. */
package io.vmtree.definition;
