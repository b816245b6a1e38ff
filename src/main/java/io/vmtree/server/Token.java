package io.vmtree.server;

import io.vmtree.tree.TreePath;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * One caller: a name (for the log, never the secret), a role, and the subtrees it may read and act
 * on ({@code /lab/**} is written as the path {@code /lab}; the root means everything).
 */
record Token(String name, Role role, List<TreePath> subtrees) {
  /** The caller when no tokens file is given: admin on everything (loopback only). */
  static final Token ANONYMOUS = new Token("anonymous", Role.ADMIN, List.of(TreePath.ROOT));

  Token {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
    subtrees = List.copyOf(subtrees);
  }

  /** {@return true when {@code path} lies in one of its subtrees} */
  boolean covers(TreePath path) {
    for (TreePath subtree : subtrees) {
      if (subtree.contains(path)) {
        return true;
      }
    }
    return false;
  }

  /** {@return true when every path lies in its subtrees} */
  boolean coversAll(Collection<TreePath> paths) {
    return paths.stream().allMatch(this::covers);
  }

  /** {@return true when {@code path} is an ancestor of one of its subtrees: shown, not opened} */
  boolean leadsTo(TreePath path) {
    return subtrees.stream().anyMatch(path::contains);
  }

  /** {@return true when it covers the whole tree} */
  boolean coversRoot() {
    return covers(TreePath.ROOT);
  }

  /** {@return its subtrees as written in the tokens file: {@code /lab/**}} */
  List<String> patterns() {
    return subtrees.stream().map(Token::pattern).toList();
  }

  static String pattern(TreePath subtree) {
    return subtree.isRoot() ? "/**" : subtree + "/**";
  }
}
