/**
 * The seam to hypervisors: a small session interface with its contract written on it. Connector
 * implementations live in sub-packages and import only this package.
 */
package io.vmtree.connector;
