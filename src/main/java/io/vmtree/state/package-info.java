/** The state: what vmtree deployed, one file per descriptor, written atomically (SPEC §5). */
package io.vmtree.state;
