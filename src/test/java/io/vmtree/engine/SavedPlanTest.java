package io.vmtree.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtree.cli.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §10–11 saved plans: {@code apply PLANFILE} refuses a plan made against an older state,
 * naming both serials, and otherwise runs as planned without a prompt and without the tree.
 */
class SavedPlanTest {
  private static final Pattern SERIALS = Pattern.compile("plan serial (\\d+), state serial (\\d+)");

  @TempDir Path dir;

  private EngineScenario twoVms() {
    return new EngineScenario(dir)
        .write(
            "_folder.yaml", EngineScenario.rootFolder("latency_ms: 0"),
            "one.yaml", "definition: {}\n",
            "two.yaml", "definition: {}\n");
  }

  @Test
  void aPlanMadeBeforeTheStateChangedIsRefusedNamingBothSerials() {
    EngineScenario s = twoVms();
    Path file = dir.resolve("stale.json");
    s.ok("plan", "TREE", "--out", file.toString());
    long planned = planSerial(file);
    s.apply("--target", "/one");
    long opsBefore = s.lastOpId();

    CliRun run = s.expect(1, "apply", file.toString());

    assertTrue(run.err().contains("Saved plan is stale"), run.err());
    Matcher serials = SERIALS.matcher(run.err());
    assertTrue(serials.find(), run.err());
    assertEquals(planned, Long.parseLong(serials.group(1)), run.err());
    assertTrue(Long.parseLong(serials.group(2)) > planned, run.err());
    assertEquals(Set.of("/one"), s.vmsByMarker("sim1").keySet(), "nothing applied");
    assertEquals(opsBefore, s.lastOpId(), "nothing journaled");
  }

  @Test
  void aPlanIsSavedOnlyAsAFileInAnExistingDirectory() throws IOException {
    EngineScenario s = twoVms();
    Path folder = Files.createDirectories(dir.resolve("plans"));

    CliRun intoDirectory = s.expect(1, "plan", "TREE", "--out", folder.toString());
    CliRun intoNowhere =
        s.expect(1, "plan", "TREE", "--out", dir.resolve("no/such/p.json").toString());

    assertTrue(intoDirectory.err().contains("it is a directory"), intoDirectory.err());
    assertTrue(intoNowhere.err().contains("no such directory"), intoNowhere.err());
    assertTrue(!intoDirectory.err().contains("internal error"), intoDirectory.err());
    assertTrue(!Files.exists(dir.resolve("no")), "no directory made");
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(
          List.of(),
          left.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList(),
          "no temporary plan left");
    }
    try (Stream<Path> left = Files.list(folder)) {
      assertEquals(0, left.count());
    }
  }

  @Test
  void aFreshPlanAppliesWithoutAPromptAndWithoutTheTree() throws IOException {
    EngineScenario s = twoVms();
    s.apply("--target", "/one");
    s.write("one.yaml", "definition: {vcpu: 3}\n");
    Path file = dir.resolve("fresh.json");
    s.ok("plan", "TREE", "--out", file.toString());
    deleteTree(s.tree());

    CliRun run = s.ok("apply", file.toString());

    assertTrue(run.out().contains("0 failed"), run.out());
    Map<String, Map<String, Object>> vms = s.vmsByMarker("sim1");
    assertEquals(Set.of("/one", "/two"), vms.keySet());
    assertEquals(3, vms.get("/one").get("vcpu"));
    s.assertConsistent("sim1");
    CliRun again = s.expect(1, "apply", file.toString());
    assertTrue(again.err().contains("Saved plan is stale"), again.err());
  }

  @Test
  void aPlanSavedAgainstANewStateCanBeApplied() {
    EngineScenario s = twoVms();
    Path file = dir.resolve("first.json");
    s.ok("plan", "TREE", "--out", file.toString());

    CliRun run = s.vmtree("apply", file.toString());

    assertEquals(0, run.exitCode(), run::all);
    assertEquals(Set.of("/one", "/two"), s.vmsByMarker("sim1").keySet());
  }

  @Test
  void aTreeApplyWithoutATerminalNeedsAutoApprove() {
    EngineScenario s = twoVms();

    CliRun run = s.expect(1, "apply", "TREE");

    assertTrue(run.err().contains("--auto-approve"), run.err());
    assertEquals(List.of(), s.vms("sim1"));
  }

  @SuppressWarnings("unchecked")
  private static long planSerial(Path file) {
    try {
      Map<String, Object> saved = EngineScenario.json(Files.readString(file));
      return ((Number) ((Map<String, Object>) saved.get("plan")).get("serial")).longValue();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
