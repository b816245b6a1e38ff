package io.vmtree.tree;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The full name of a folder or descriptor, such as {@code /lab/db/pg1}. The root is {@code /}.
 * Immutable; every segment is a valid name.
 *
 * <p>Paths are map keys everywhere (a big tree holds a hundred thousand of them in sorted maps), so
 * a path keeps its parent, its hash and, once asked, its text: lookups cost no list hashing, and
 * the paths made by {@link #child} share their ancestors' segment strings, which makes most segment
 * comparisons an identity check.
 */
public final class TreePath implements Comparable<TreePath> {
  /** The root folder. */
  public static final TreePath ROOT = new TreePath();

  private final String[] segments;
  private final TreePath parent;
  private final int hash;
  private String text;

  private TreePath() {
    this.segments = new String[0];
    this.parent = null;
    this.hash = 1;
    this.text = "/";
  }

  private TreePath(TreePath parent, String name) {
    this.segments = Arrays.copyOf(parent.segments, parent.segments.length + 1);
    this.segments[parent.segments.length] = name;
    this.parent = parent;
    // the same value as List.hashCode of the segments
    this.hash = 31 * parent.hash + name.hashCode();
  }

  /**
   * A path made of {@code segments}, root first.
   *
   * @throws IllegalArgumentException when a segment is not a valid name
   */
  public TreePath(List<String> segments) {
    this(ROOT.descend(segments));
  }

  private TreePath(TreePath copy) {
    this.segments = copy.segments;
    this.parent = copy.parent;
    this.hash = copy.hash;
  }

  private TreePath descend(List<String> names) {
    TreePath path = this;
    for (String name : names) {
      path = path.child(name);
    }
    return path;
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
    TreePath path = ROOT;
    if (!text.startsWith("/")) {
      if (base == null) {
        throw new IllegalArgumentException("path \"" + text + "\" must be absolute (start with /)");
      }
      path = base;
    }
    for (String part : text.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (path.isRoot()) {
          throw new IllegalArgumentException("path \"" + text + "\" goes above the root");
        }
        path = path.parent;
      } else {
        path = path.child(part);
      }
    }
    return path;
  }

  /** {@return the absolute path written as {@code text}} */
  public static TreePath of(String text) {
    return parse(text, null);
  }

  /** {@return the names from the root down, root first; empty for the root} */
  public List<String> segments() {
    return List.of(segments);
  }

  /** {@return true for {@code /}} */
  public boolean isRoot() {
    return segments.length == 0;
  }

  /** {@return the last segment; empty for the root} */
  public String name() {
    return isRoot() ? "" : segments[segments.length - 1];
  }

  /** {@return the enclosing folder's path; null for the root} */
  public TreePath parent() {
    return parent;
  }

  /**
   * {@return the path of {@code name} inside this folder}
   *
   * @throws IllegalArgumentException when {@code name} is not a valid name
   */
  public TreePath child(String name) {
    if (!Names.isValid(name)) {
      throw new IllegalArgumentException(Names.explainInvalid(name));
    }
    return new TreePath(this, name);
  }

  /** {@return the number of segments: 0 for the root} */
  public int depth() {
    return segments.length;
  }

  /** {@return this path and its ancestors, root first, this path last} */
  public List<TreePath> chain() {
    TreePath[] chain = new TreePath[segments.length + 1];
    TreePath path = this;
    for (int i = segments.length; i >= 0; i--) {
      chain[i] = path;
      path = path.parent;
    }
    return Arrays.asList(chain);
  }

  /** {@return true when {@code other} is this path or lies below it} */
  public boolean contains(TreePath other) {
    if (other.segments.length < segments.length) {
      return false;
    }
    for (int i = segments.length - 1; i >= 0; i--) {
      if (!same(segments[i], other.segments[i])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int compareTo(TreePath other) {
    if (this == other) {
      return 0;
    }
    int n = Math.min(segments.length, other.segments.length);
    for (int i = 0; i < n; i++) {
      String mine = segments[i];
      String theirs = other.segments[i];
      if (mine != theirs) {
        int c = mine.compareTo(theirs);
        if (c != 0) {
          return c;
        }
      }
    }
    return Integer.compare(segments.length, other.segments.length);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof TreePath other)
        || hash != other.hash
        || segments.length != other.segments.length) {
      return false;
    }
    // the last segments differ most often
    for (int i = segments.length - 1; i >= 0; i--) {
      if (!same(segments[i], other.segments[i])) {
        return false;
      }
    }
    return true;
  }

  private static boolean same(String a, String b) {
    return a == b || a.equals(b);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    // a benign race: every thread computes the same immutable string
    String cached = text;
    if (cached == null) {
      StringBuilder out = new StringBuilder();
      for (String segment : segments) {
        out.append('/').append(segment);
      }
      cached = out.toString();
      text = cached;
    }
    return cached;
  }
}
