package io.vmtree.model;

/** A request the tree model refuses: an absent path, a taken name, a forbidden transition. */
public final class ModelException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception with a message fit for a user. */
  public ModelException(String message) {
    super(message);
  }
}
