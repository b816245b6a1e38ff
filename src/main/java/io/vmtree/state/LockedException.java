package io.vmtree.state;

/** The state is locked by someone else; {@link #holder()} says who. */
public final class LockedException extends StateException {
  private static final long serialVersionUID = 1L;
  private final transient LockInfo holder;

  /** The lock is held by {@code holder}. */
  public LockedException(LockInfo holder) {
    super("the state is locked: " + holder.describe());
    this.holder = holder;
  }

  /** {@return who holds the lock} */
  public LockInfo holder() {
    return holder;
  }
}
