package io.vmtree.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * While the calls of an apply run, the VMs after the next ones in line are provisioned and their
 * intents written (apply.PreparedChains): seen in the journal's times; the state ends as if each
 * step had run alone. CrashWindowTest has an intent written ahead of a call that was never made.
 */
class IntentAheadTest {
  @TempDir Path dir;

  @Test
  void aVmTwoTurnsAheadIsMadeReadyWhileTheCurrentCallRuns() {
    EngineScenario s =
        new EngineScenario(dir)
            .write(
                "_folder.yaml", EngineScenario.rootFolder("latency_ms: 100"),
                "a.yaml", "definition: {}\n",
                "b.yaml", "definition: {}\n",
                "c.yaml", "definition: {}\n",
                "d.yaml", "definition: {}\n",
                "e.yaml", "definition: {}\n");

    s.apply("--parallelism", "1");

    // one slot: a runs first; once it ended, b runs, c is next, and d (two turns ahead) is made
    // ready while b's create takes 100 ms
    assertTrue(
        finished(s.op("provision", "/d", 0)).isBefore(finished(s.op("deploy", "/b", 0))),
        "d was not provisioned ahead, while b's call ran");
    // the calls themselves still ran one at a time, in order
    for (List<String> pair :
        List.of(
            List.of("/a", "/b"), List.of("/b", "/c"), List.of("/c", "/d"), List.of("/d", "/e"))) {
      assertFalse(
          started(s.op("deploy", pair.get(1), 0))
              .isBefore(finished(s.op("deploy", pair.get(0), 0))),
          pair::toString);
    }
    for (String vm : List.of("/a", "/b", "/c", "/d", "/e")) {
      assertEquals("deployed", s.stateDescriptor(vm).get("status"), vm);
      assertNull(s.stateDescriptor(vm).get("pending"), vm);
    }
    s.assertConsistent("sim1");
    s.expect(0, "plan", "TREE", "--detailed-exitcode");
  }

  private static Instant started(Map<String, Object> op) {
    return Instant.parse(op.get("started").toString());
  }

  private static Instant finished(Map<String, Object> op) {
    return Instant.parse(op.get("finished").toString());
  }
}
