/** Problems as values: every error and warning carries the file, line and column it is about. */
package io.vmtree.diag;
