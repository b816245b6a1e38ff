/**
 * The {@code vmware} hypervisor (vCenter, ESXi) on yavijava: settings, the logged-in session, bulk
 * inventory reads, tasks, folders and the annotation that marks vmtree's VMs. Imports only the
 * connector seam, the JDK and its libraries.
 */
package io.vmtree.connector.vsphere;
