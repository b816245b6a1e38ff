package io.vmtree.plan;

import java.util.Locale;

/** What a change does (SPEC §4 "Plan actions"). Apply decides from the action alone. */
public enum Action {
  PROVISION,
  DEPLOY,
  UPDATE,
  REPLACE,
  MOVE,
  UNDEPLOY,
  DEPROVISION,
  CREATE_FOLDER,
  DELETE_FOLDER;

  /** {@return the lowercase word used in output: {@code create_folder}} */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@return true for actions counted in a plan's summary (folder changes are not)} */
  public boolean counted() {
    return this != CREATE_FOLDER && this != DELETE_FOLDER;
  }

  /** {@return true when the action destroys a VM (refused under {@code prevent_destroy})} */
  public boolean destroys() {
    return this == UNDEPLOY || this == REPLACE;
  }
}
