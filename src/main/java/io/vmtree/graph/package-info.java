/** A generic dependency graph and a parallel walker over it; knows nothing of VMs or trees. */
package io.vmtree.graph;
