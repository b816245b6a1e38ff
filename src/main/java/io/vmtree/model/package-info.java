/** The tree as a Java object model (SPEC §7): folders and descriptors with their properties. */
package io.vmtree.model;
