package io.vmtree.report;

/** ANSI styling that turns itself off when colors are not wanted. */
public record Style(boolean enabled) {
  /** {@return {@code text} in bold red, for errors} */
  public String error(String text) {
    return wrap("1;31", text);
  }

  /** {@return {@code text} in yellow, for warnings} */
  public String warning(String text) {
    return wrap("33", text);
  }

  /** {@return {@code text} in green, for success} */
  public String ok(String text) {
    return wrap("32", text);
  }

  /** {@return {@code text} dimmed, for secondary information such as origins} */
  public String dim(String text) {
    return wrap("2", text);
  }

  /** {@return {@code text} in bold} */
  public String bold(String text) {
    return wrap("1", text);
  }

  private String wrap(String code, String text) {
    return enabled ? "\u001b[" + code + "m" + text + "\u001b[0m" : text;
  }
}
