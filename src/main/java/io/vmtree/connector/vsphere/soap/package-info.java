/**
 * vmtree's SOAP layer under yavijava: a response parser that tolerates newer vCenters and a
 * transport whose TLS settings belong to one connection, never to the whole JVM.
 */
package io.vmtree.connector.vsphere.soap;
