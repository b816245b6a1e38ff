/** Operations and their append-only journal (SPEC §6). */
package io.vmtree.ops;
