/**
 * The {@code sim} hypervisor (SPEC §8): a real hypervisor whose world is a directory of JSON files,
 * one per VM, safe to share between threads and processes. It imports only {@code
 * io.vmtree.connector}.
 */
package io.vmtree.connector.sim;
