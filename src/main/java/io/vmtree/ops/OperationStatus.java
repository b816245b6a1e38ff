package io.vmtree.ops;

import java.util.Locale;

/** Where an operation is (SPEC §6, §11). */
public enum OperationStatus {
  PENDING,
  RUNNING,
  SUCCEEDED,
  FAILED,
  /** Not run because an operation it depends on failed. */
  SKIPPED;

  /** {@return the lowercase word used in files and output} */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@return true once the operation will not change any more} */
  public boolean isFinal() {
    return this == SUCCEEDED || this == FAILED || this == SKIPPED;
  }
}
