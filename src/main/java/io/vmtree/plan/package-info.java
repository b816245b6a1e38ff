/** Plans: the changes apply would make, each with its reasons, and the drift refresh found. */
package io.vmtree.plan;
