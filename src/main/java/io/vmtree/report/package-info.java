/** Renderers of command results: human text (colored on a terminal) and stable JSON. */
package io.vmtree.report;
