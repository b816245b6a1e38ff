package io.vmtree.tree;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The full name of a folder or descriptor, such as {@code /lab/db/pg1}. The root is {@code /}.
 * Immutable; every segment is a valid name.
 */
public record TreePath(List<String> segments) implements Comparable<TreePath> {
  /** The root folder. */
  public static final TreePath ROOT = new TreePath(List.of());

  public TreePath {
    segments = List.copyOf(segments);
    for (String segment : segments) {
      if (!Names.isValid(segment)) {
        throw new IllegalArgumentException(Names.explainInvalid(segment));
      }
    }
  }

  /**
   * {@return the path written as {@code text}: absolute ({@code /a/b}) or, when {@code base} is
   * given, relative to it; {@code .} and {@code ..} segments are resolved}
   *
   * @throws IllegalArgumentException when a segment is not a valid name, or {@code ..} leaves the
   *     root
   */
  public static TreePath parse(String text, TreePath base) {
    Objects.requireNonNull(text, "text");
    List<String> parts = new ArrayList<>();
    if (!text.startsWith("/")) {
      if (base == null) {
        throw new IllegalArgumentException("path \"" + text + "\" must be absolute (start with /)");
      }
      parts.addAll(base.segments);
    }
    for (String part : text.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (parts.isEmpty()) {
          throw new IllegalArgumentException("path \"" + text + "\" goes above the root");
        }
        parts.remove(parts.size() - 1);
      } else {
        parts.add(part);
      }
    }
    return new TreePath(parts);
  }

  /** {@return the absolute path written as {@code text}} */
  public static TreePath of(String text) {
    return parse(text, null);
  }

  /** {@return true for {@code /}} */
  public boolean isRoot() {
    return segments.isEmpty();
  }

  /** {@return the last segment; empty for the root} */
  public String name() {
    return isRoot() ? "" : segments.get(segments.size() - 1);
  }

  /** {@return the enclosing folder's path; null for the root} */
  public TreePath parent() {
    return isRoot() ? null : new TreePath(segments.subList(0, segments.size() - 1));
  }

  /** {@return the path of {@code name} inside this folder} */
  public TreePath child(String name) {
    List<String> next = new ArrayList<>(segments);
    next.add(name);
    return new TreePath(next);
  }

  /** {@return the number of segments: 0 for the root} */
  public int depth() {
    return segments.size();
  }

  /** {@return this path and its ancestors, root first, this path last} */
  public List<TreePath> chain() {
    List<TreePath> chain = new ArrayList<>(segments.size() + 1);
    for (int i = 0; i <= segments.size(); i++) {
      chain.add(new TreePath(segments.subList(0, i)));
    }
    return chain;
  }

  /** {@return true when {@code other} is this path or lies below it} */
  public boolean contains(TreePath other) {
    return other.segments.size() >= segments.size()
        && other.segments.subList(0, segments.size()).equals(segments);
  }

  @Override
  public int compareTo(TreePath other) {
    int n = Math.min(segments.size(), other.segments.size());
    for (int i = 0; i < n; i++) {
      int c = segments.get(i).compareTo(other.segments.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(segments.size(), other.segments.size());
  }

  @Override
  public String toString() {
    return "/" + String.join("/", segments);
  }
}
