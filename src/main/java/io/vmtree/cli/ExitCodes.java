package io.vmtree.cli;

/** The process exit codes of SPEC §4, in one place. */
public final class ExitCodes {
  /** Success; for {@code plan --detailed-exitcode} and {@code drift}: nothing to report. */
  public static final int OK = 0;

  /** Invalid input, a usage error, or an operation that failed. */
  public static final int ERROR = 1;

  /** Only ever "changes" ({@code plan --detailed-exitcode}) or "drift found". */
  public static final int CHANGES = 2;

  private ExitCodes() {}
}
