package io.vmtree.plan;

/**
 * Why a change is planned: a field that differs, before and after, and where the new value was
 * written. A reason only explains; it never decides what apply does.
 *
 * @param field a parameter name ({@code vcpu}, {@code tags.env}), or a cause such as {@code
 *     descriptor} (new or removed), {@code target}, {@code moved}, {@code vm}
 * @param origin {@code file:line} of the new value, or null
 * @param note extra words: {@code new descriptor}, {@code file removed}, {@code --replace}, {@code
 *     requires reboot}, {@code VM missing} ...; or null
 */
public record Reason(String field, Object before, Object after, String origin, String note) {
  /** {@return a reason that is only a cause, with no values} */
  public static Reason because(String field, String note, String origin) {
    return new Reason(field, null, null, origin, note);
  }
}
