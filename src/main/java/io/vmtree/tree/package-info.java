/** Addresses and small values of the tree: paths, names, status, target and lifecycle. */
package io.vmtree.tree;
