/** JSON helpers shared by the codecs of the journal, the state and the sim; nothing of vmtree. */
package io.vmtree.json;
