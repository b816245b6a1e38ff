package io.vmtree.tree;

import java.util.regex.Pattern;

/** The one rule for object names (SPEC §1). */
public final class Names {
  /** Letters, digits, {@code .}, {@code _} and {@code -}; 1 to 63 characters; no leading symbol. */
  public static final Pattern NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$");

  private Names() {}

  /**
   * {@return true when {@code name} is a valid folder, descriptor, hypervisor or prototype name}
   */
  public static boolean isValid(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /** {@return the reason {@code name} is rejected, for error messages} */
  public static String explainInvalid(String name) {
    return "invalid name \""
        + name
        + "\": names are 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit";
  }
}
