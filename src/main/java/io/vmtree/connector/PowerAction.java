package io.vmtree.connector;

/** A power operation on a VM. */
public enum PowerAction {
  START,
  STOP,
  RESTART
}
