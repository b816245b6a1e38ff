package io.vmtree.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TreePathTest {
  @Test
  void rootHasNoSegmentsNameOrParent() {
    assertTrue(TreePath.ROOT.isRoot());
    assertEquals(List.of(), TreePath.ROOT.segments());
    assertEquals("", TreePath.ROOT.name());
    assertNull(TreePath.ROOT.parent());
    assertEquals(0, TreePath.ROOT.depth());
    assertEquals("/", TreePath.ROOT.toString());
    assertEquals(List.of(TreePath.ROOT), TreePath.ROOT.chain());
    assertSame(TreePath.ROOT, TreePath.of("/"));
  }

  @Test
  void parsesAbsoluteAndRelativePaths() {
    TreePath path = TreePath.of("/lab/db/pg1");
    assertEquals(List.of("lab", "db", "pg1"), path.segments());
    assertEquals("pg1", path.name());
    assertEquals(3, path.depth());
    assertEquals("/lab/db/pg1", path.toString());
    assertEquals(TreePath.of("/lab/db"), path.parent());
    assertEquals(TreePath.of("/lab/web/w1"), TreePath.parse("../web/./w1", TreePath.of("/lab/db")));
    assertEquals(TreePath.of("/lab/x"), TreePath.parse("x", TreePath.of("/lab")));
    assertEquals(TreePath.of("/a/b"), TreePath.of("//a//b/"));
  }

  @Test
  void refusesBadPaths() {
    assertThrows(IllegalArgumentException.class, () -> TreePath.of("relative"));
    assertThrows(IllegalArgumentException.class, () -> TreePath.of("/a/../.."));
    assertThrows(IllegalArgumentException.class, () -> TreePath.of("/a/-b"));
    assertThrows(IllegalArgumentException.class, () -> TreePath.ROOT.child("has space"));
    assertThrows(IllegalArgumentException.class, () -> new TreePath(List.of("ok", "_no")));
  }

  @Test
  void equalPathsAreEqualHowEverMade() {
    TreePath parsed = TreePath.of("/a/b/c");
    TreePath built = TreePath.ROOT.child("a").child(new String("b")).child("c");
    TreePath fromList = new TreePath(new ArrayList<>(List.of("a", "b", "c")));
    assertEquals(parsed, built);
    assertEquals(parsed, fromList);
    assertEquals(parsed.hashCode(), built.hashCode());
    assertEquals(List.of("a", "b", "c").hashCode(), parsed.hashCode());
    assertEquals(0, parsed.compareTo(fromList));
    assertNotEquals(parsed, TreePath.of("/a/b"));
    assertNotEquals(parsed, TreePath.of("/a/b/d"));
    assertNotEquals(parsed, "/a/b/c");
  }

  @Test
  void chainListsAncestorsRootFirst() {
    assertEquals(
        List.of(TreePath.ROOT, TreePath.of("/a"), TreePath.of("/a/b"), TreePath.of("/a/b/c")),
        TreePath.of("/a/b/c").chain());
  }

  @Test
  void containsItselfAndWhatLiesBelow() {
    TreePath ab = TreePath.of("/a/b");
    assertTrue(ab.contains(ab));
    assertTrue(ab.contains(TreePath.of("/a/b/c/d")));
    assertTrue(TreePath.ROOT.contains(ab));
    assertFalse(ab.contains(TreePath.of("/a")));
    assertFalse(ab.contains(TreePath.of("/a/bc")));
    assertFalse(ab.contains(TreePath.of("/x/b/c")));
  }

  @Test
  void ordersSegmentBySegmentParentsFirst() {
    List<TreePath> sorted =
        List.of(
            TreePath.ROOT,
            TreePath.of("/a"),
            TreePath.of("/a/b"),
            TreePath.of("/a/b/c"),
            TreePath.of("/a/x"),
            TreePath.of("/a-1"),
            TreePath.of("/b"));
    List<TreePath> shuffled = new ArrayList<>(sorted);
    Collections.shuffle(shuffled, new Random(7));
    Collections.sort(shuffled);
    assertEquals(sorted, shuffled);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "/a", "/a/b.c/d_e-f"})
  void printsAsParsed(String text) {
    assertEquals(text, TreePath.of(text).toString());
  }
}
