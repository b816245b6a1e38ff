package io.vmtree.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DiagnosticsTest {
  private static final Origin AT = Origin.of("a/b.yaml", 3, 5);

  @Test
  void sameSpotAndSummaryAreOrderedByDetailThenSeverity() {
    Diagnostic warning = new Diagnostic(Severity.WARNING, "same", "beta", AT);
    Diagnostic alpha = Diagnostic.error(AT, "same", "alpha");
    Diagnostic beta = Diagnostic.error(AT, "same", "beta");
    Diagnostic bare = Diagnostic.error(AT, "same");
    List<Diagnostic> expected = List.of(bare, alpha, beta, warning);
    for (int seed = 0; seed < 20; seed++) {
      List<Diagnostic> shuffled = new ArrayList<>(expected);
      Collections.shuffle(shuffled, new Random(seed));
      Diagnostics diagnostics = new Diagnostics();
      diagnostics.addAll(shuffled);
      assertEquals(expected, diagnostics.sorted(), "seed " + seed);
    }
  }

  @Test
  void orderIsConsistentWithEquals() {
    Diagnostic alpha = Diagnostic.error(AT, "same", "alpha");
    Diagnostic beta = Diagnostic.error(AT, "same", "beta");
    assertNotEquals(0, alpha.compareTo(beta));
    assertEquals(0, alpha.compareTo(Diagnostic.error(AT, "same", "alpha")));
    Origin viaSmall = AT.via("small");
    assertNotEquals(0, AT.compareTo(viaSmall));
    assertTrue(AT.compareTo(viaSmall) < 0, "an origin without a prototype comes first");
  }

  @Test
  void sortsByFileLineColumnWithoutRepeats() {
    Diagnostics diagnostics = new Diagnostics();
    diagnostics.error(Origin.of("b.yaml", 1, 1), "later file");
    diagnostics.error(Origin.of("a.yaml", 2, 1), "later line");
    diagnostics.error(Origin.of("a.yaml", 1, 9), "later column");
    diagnostics.error(Origin.of("a.yaml", 1, 9), "later column");
    diagnostics.error(null, "no file");
    assertEquals(
        List.of("no file", "later column", "later line", "later file"),
        diagnostics.sorted().stream().map(Diagnostic::summary).toList());
  }

  @Test
  void collectsFromManyThreadsAndMerges() {
    Diagnostics all = new Diagnostics();
    IntStream.range(0, 1000)
        .parallel()
        .forEach(
            i -> {
              Diagnostics own = new Diagnostics();
              own.error(Origin.of("f" + i + ".yaml", 1, 1), "error " + i);
              all.addAll(own);
            });
    all.addAll(new Diagnostics());
    assertEquals(1000, all.sorted().size());
    assertTrue(all.hasErrors());
  }

  @Test
  void warningsAloneAreNotErrors() {
    Diagnostics diagnostics = new Diagnostics();
    assertTrue(diagnostics.isEmpty());
    diagnostics.warning(AT, "careful");
    assertFalse(diagnostics.hasErrors());
    assertFalse(diagnostics.isEmpty());
    assertEquals("a/b.yaml:3:5: warning: careful", diagnostics.toString());
    assertEquals(List.of(), diagnostics.errors());
  }
}
