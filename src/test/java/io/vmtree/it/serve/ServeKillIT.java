package io.vmtree.it.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtree.engine.EngineScenario;
import io.vmtree.testing.TreeFixture;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code vmtree serve} killed with SIGKILL in the middle of an apply, then started again: it
 * takes over the lock its dead self left, runs the interrupted apply again from its queue file (the
 * engine resolves the interrupted steps by looking at the sim), and ends with every VM deployed
 * once — none lost, none duplicated.
 */
class ServeKillIT {
  private static final int VMS = 12;

  @TempDir Path dir;

  @Test
  @SuppressWarnings("unchecked")
  void anApplyKilledMidwayIsResumedByTheNextStart() throws Exception {
    Path tree = dir.resolve("tree");
    Path state = dir.resolve("state");
    List<String> files =
        new ArrayList<>(
            List.of("_folder.yaml", EngineScenario.rootFolder("latency_ms: 250, max_parallel: 2")));
    for (int i = 1; i <= VMS; i++) {
      files.add("lab/vm" + i + ".yaml");
      files.add("definition: {}\n");
    }
    TreeFixture.write(tree, TreeFixture.files(files.toArray(String[]::new)));

    ServeProcess first = ServeProcess.start(dir, tree, state, "--parallelism", "2");
    Map<String, Object> planned = first.call("POST", "/v1/plan", "{}");
    Object plan = planned.get("id");
    assertEquals(
        "succeeded", first.call("GET", "/v1/operations/" + plan + "?wait=60s", null).get("status"));
    Object apply = first.call("POST", "/v1/apply", "{\"plan\": " + plan + "}").get("id");
    // kill it once some VMs exist and some do not
    int deployed = 0;
    for (int i = 0; i < 200 && deployed < 3; i++) {
      Thread.sleep(50);
      deployed = deployedCount(first);
    }
    assertTrue(deployed >= 3 && deployed < VMS, "killed at " + deployed + " of " + VMS);
    first.kill();

    ServeProcess second = ServeProcess.start(dir, tree, state, "--parallelism", "2");
    try {
      Map<String, Object> resumed =
          second.call("GET", "/v1/operations/" + apply + "?wait=120s", null);
      assertEquals("succeeded", resumed.get("status"), resumed + "\n" + second.log());
      assertEquals(true, ((Map<String, Object>) resumed.get("result")).get("resumed"));
      assertTrue(second.log().contains("taking over the state lock"), second.log());
      assertTrue(second.log().contains("resuming operation " + apply), second.log());
      assertEquals(VMS, deployedCount(second));

      // one VM per descriptor on the sim: the interrupted create was adopted, not repeated
      Map<String, Object> tree1 = second.call("GET", "/v1/tree", null);
      Set<String> vmIds = new TreeSet<>();
      collect((Map<String, Object>) tree1.get("tree"), vmIds);
      assertEquals(VMS, vmIds.size(), vmIds.toString());
      Map<String, Object> refresh = second.call("POST", "/v1/refresh", "");
      Map<String, Object> refreshed =
          second.call("GET", "/v1/operations/" + refresh.get("id") + "?wait=60s", null);
      assertEquals(Map.of(), ((Map<String, Object>) refreshed.get("result")).get("changed"));
      Map<String, Object> again = second.call("POST", "/v1/plan", "{}");
      Map<String, Object> nothing =
          second.call("GET", "/v1/operations/" + again.get("id") + "?wait=60s", null);
      assertEquals(
          0, ((Map<String, Object>) nothing.get("result")).get("changes"), nothing.toString());
    } finally {
      assertEquals(143, second.stop(), second.log());
    }
  }

  @SuppressWarnings("unchecked")
  private static int deployedCount(ServeProcess serve) {
    Map<String, Object> tree = serve.call("GET", "/v1/tree", null);
    Set<String> ids = new TreeSet<>();
    collect((Map<String, Object>) tree.get("tree"), ids);
    return ids.size();
  }

  @SuppressWarnings("unchecked")
  private static void collect(Map<String, Object> folder, Set<String> vmIds) {
    for (Object sub : (List<Object>) folder.get("folders")) {
      collect((Map<String, Object>) sub, vmIds);
    }
    for (Object d : (List<Object>) folder.get("descriptors")) {
      Map<String, Object> descriptor = (Map<String, Object>) d;
      if ("deployed".equals(descriptor.get("status"))) {
        vmIds.add((String) descriptor.get("vm_id"));
      }
    }
  }
}
