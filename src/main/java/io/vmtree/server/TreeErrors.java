package io.vmtree.server;

import io.vmtree.diag.Diagnostic;
import io.vmtree.tree.TreePath;
import java.util.ArrayList;
import java.util.List;

/**
 * What of a tree reading's errors a token may see: those of the files in its subtrees, and of the
 * folder files above them, whose definitions cascade into its subtrees. The errors of other files
 * (another team's descriptors and folders) are only counted: their text would show what those files
 * hold.
 */
final class TreeErrors {
  private TreeErrors() {}

  /** The errors shown, as printed ({@code file:line:col: summary}), and how many were left out. */
  record Cut(List<String> shown, int hidden) {
    Cut {
      shown = List.copyOf(shown);
    }
  }

  /** {@return the errors of {@code errors} that {@code token} may see} */
  static Cut cut(List<Diagnostic> errors, Token token) {
    List<String> shown = new ArrayList<>();
    for (Diagnostic error : errors) {
      if (token.coversRoot() || visible(error, token)) {
        shown.add(error.format());
      }
    }
    return new Cut(shown, errors.size() - shown.size());
  }

  private static boolean visible(Diagnostic error, Token token) {
    if (error.subject() == null || error.subject().file() == null) {
      return false;
    }
    String file = error.subject().file().replace('\\', '/');
    int slash = file.lastIndexOf('/');
    String name = file.substring(slash + 1);
    int dot = name.lastIndexOf('.');
    String stem = dot < 0 ? name : name.substring(0, dot);
    try {
      TreePath folder = slash < 0 ? TreePath.ROOT : TreePath.of("/" + file.substring(0, slash));
      if (stem.equals("_folder")) {
        return token.covers(folder) || token.leadsTo(folder);
      }
      return token.covers(folder.child(stem));
    } catch (IllegalArgumentException e) {
      // a file whose name is no tree path: shown only to a token on the whole tree
      return false;
    }
  }
}
