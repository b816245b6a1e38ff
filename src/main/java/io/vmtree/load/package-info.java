/** Reading a tree from disk: YAML with positions, schema checks, and the desired tree. */
package io.vmtree.load;
