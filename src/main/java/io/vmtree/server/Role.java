package io.vmtree.server;

import java.util.Locale;

/** What a token may do, each role including the ones before it. */
enum Role {
  /** Every GET of its subtrees. */
  READ,
  /** And {@code POST /v1/plan}. */
  PLAN,
  /** And {@code POST /v1/apply}, {@code /v1/refresh}, start, stop and restart. */
  APPLY,
  /** And {@code POST /v1/reload}. */
  ADMIN;

  /** {@return true when this role includes {@code needed}} */
  boolean allows(Role needed) {
    return compareTo(needed) >= 0;
  }

  /** {@return the lowercase word of the tokens file} */
  String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@return the role written {@code word}, or null} */
  static Role parse(String word) {
    for (Role role : values()) {
      if (role.label().equals(word)) {
        return role;
      }
    }
    return null;
  }
}
