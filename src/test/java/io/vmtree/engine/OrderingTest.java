package io.vmtree.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §2 {@code depends_on}: deploy after the dependencies, undeploy before them, as the journal's
 * times show. The sim costs 20 ms a call, so steps run out of order would overlap.
 */
class OrderingTest {
  @TempDir Path dir;

  private EngineScenario chain() {
    return new EngineScenario(dir)
        .write(
            "_folder.yaml", EngineScenario.rootFolder("latency_ms: 20"),
            "db/pg1.yaml", "definition: {}\n",
            "app/api.yaml", "definition: {}\ndepends_on: [/db/pg1]\n",
            "web/front.yaml", "definition: {}\ndepends_on: [/app/api, /db/pg1]\n",
            "solo.yaml", "definition: {}\n");
  }

  @Test
  void aDependencyIsDeployedBeforeItsDependentsStart() {
    EngineScenario s = chain();

    s.apply("--parallelism", "8");

    assertBefore(s.op("deploy", "/db/pg1", 0), s.op("deploy", "/app/api", 0));
    assertBefore(s.op("deploy", "/app/api", 0), s.op("deploy", "/web/front", 0));
    assertBefore(s.op("provision", "/web/front", 0), s.op("deploy", "/web/front", 0));
    s.assertConsistent("sim1");
  }

  @Test
  void removedFilesAreUndeployedDependentsFirstFromTheDependsOnKeptInState() {
    EngineScenario s = chain();
    s.apply();
    long before = s.lastOpId();
    s.delete("db/pg1.yaml").delete("app/api.yaml").delete("web/front.yaml");

    s.apply("--parallelism", "8");

    Map<String, Object> front = s.op("undeploy", "/web/front", before);
    Map<String, Object> api = s.op("undeploy", "/app/api", before);
    Map<String, Object> pg1 = s.op("undeploy", "/db/pg1", before);
    assertBefore(front, api);
    assertBefore(api, pg1);
    assertBefore(front, pg1);
    assertBefore(pg1, s.op("deprovision", "/db/pg1", before));
    assertFalse(s.vmsByMarker("sim1").containsKey("/db/pg1"));
    assertTrue(s.vmsByMarker("sim1").containsKey("/solo"));
    s.assertConsistent("sim1");
    s.expect(0, "plan", "TREE", "--detailed-exitcode");
  }

  private static void assertBefore(Map<String, Object> first, Map<String, Object> then) {
    Instant finished = Instant.parse(first.get("finished").toString());
    Instant started = Instant.parse(then.get("started").toString());
    assertFalse(
        started.isBefore(finished),
        () ->
            then.get("type")
                + " "
                + then.get("targets")
                + " started at "
                + started
                + ", before "
                + first.get("type")
                + " "
                + first.get("targets")
                + " finished at "
                + finished);
  }
}
