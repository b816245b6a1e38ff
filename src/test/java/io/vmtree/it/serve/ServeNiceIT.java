package io.vmtree.it.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vmtree.engine.EngineScenario;
import io.vmtree.testing.TreeFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vmtree serve --http-nice N} as an operator runs it (Linux): the threads reading and
 * answering requests run N nice levels below the service's main thread (default 1), and the threads
 * that run operations, drift runs and reloads stay at the main thread's level even when a request
 * was what started their work.
 */
class ServeNiceIT {
  @TempDir Path dir;

  @Test
  void requestThreadsRunBelowTheOperationsByTheDefaultOrTheGivenIncrement() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only");
    Path tree = dir.resolve("tree");
    TreeFixture.write(
        tree,
        TreeFixture.files(
            "_folder.yaml", EngineScenario.rootFolder("latency_ms: 0"), "lab/vm1.yaml", "{}\n"));

    Map<String, Integer> byDefault = nicesAfterWork(tree, dir.resolve("state1"));
    int base = byDefault.get("java"); // the launcher's threads, the JVM's main among them
    assertEquals(base + 1, byDefault.get("vmtree-http"), byDefault.toString());
    // Undertow's (XNIO's) threads reading requests and accepting connections
    assertEquals(base + 1, byDefault.get("vmtree-io I/O"), byDefault.toString());
    assertEquals(base + 1, byDefault.get("vmtree-io Accep"), byDefault.toString());
    // the access log's writer: formatting the lines is the reads' cost
    assertEquals(base + 1, byDefault.get("vmtree-access-l"), byDefault.toString());
    // Linux keeps 15 characters of a thread's name
    for (String kept : new String[] {"vmtree-operatio", "vmtree-drift", "vmtree-tree-rel"}) {
      assertEquals(base, byDefault.get(kept), kept + " in " + byDefault);
    }
    // the reload's reading runs on the common pool, whose threads it may have started
    assertFalse(
        byDefault.containsKey("ForkJoinPool.co") && byDefault.get("ForkJoinPool.co") != base,
        byDefault.toString());

    Map<String, Integer> five = nicesAfterWork(tree, dir.resolve("state2"), "--http-nice", "5");
    assertEquals(five.get("java") + 5, five.get("vmtree-http"), five.toString());
    assertEquals(five.get("java") + 5, five.get("vmtree-io I/O"), five.toString());
    Map<String, Integer> none = nicesAfterWork(tree, dir.resolve("state3"), "--http-nice", "0");
    assertEquals(none.get("java"), none.get("vmtree-http"), none.toString());
  }

  @Test
  void aNiceOutOfRangeIsRefusedAtStartNamingTheOption() throws Exception {
    Path tree = dir.resolve("tree");
    TreeFixture.write(tree, TreeFixture.files("_folder.yaml", EngineScenario.rootFolder("")));
    IllegalStateException refused =
        assertThrows(
            IllegalStateException.class,
            () -> ServeProcess.start(dir, tree, dir.resolve("state"), "--http-nice", "20"));
    assertTrue(
        refused.getMessage().contains("--http-nice must be from 0 to 19, not 20"),
        refused.getMessage());
    assertFalse(refused.getMessage().contains("Exception"), refused.getMessage());
  }

  /**
   * {@return the nice value of each kind of thread of a service that answered a read, a reload, a
   * plan and a drift check} (a kind: the name without its number; each kind's threads must agree)
   */
  private Map<String, Integer> nicesAfterWork(Path tree, Path state, String... options)
      throws IOException, InterruptedException {
    ServeProcess serve = ServeProcess.start(dir, tree, state, options);
    try {
      serve.call("GET", "/v1/tree", null);
      serve.call("POST", "/v1/reload", "");
      Object plan = serve.call("POST", "/v1/plan", "{}").get("id");
      assertEquals(
          "succeeded",
          serve.call("GET", "/v1/operations/" + plan + "?wait=60s", null).get("status"));
      serve.call("GET", "/v1/drift", null);
      Map<String, Integer> nices = new TreeMap<>();
      try (Stream<Path> tasks = Files.list(Path.of("/proc/" + serve.process.pid() + "/task"))) {
        for (Path task : tasks.toList()) {
          String name = Files.readString(task.resolve("comm")).strip();
          String stat = Files.readString(task.resolve("stat"));
          // the fields after the name, which is in parentheses: the 17th is the nice value
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          int nice = Integer.parseInt(fields[16]);
          String kind = name.replaceAll("-\\d+$", "");
          if (kind.equals("process reaper")) {
            // the JDK's threads waiting for child processes (here: renice) take the nice value
            // of whichever thread started a process first; they only wait
            continue;
          }
          Integer seen = nices.putIfAbsent(kind, nice);
          assertEquals(seen == null ? nice : seen, nice, "threads " + kind + " disagree");
        }
      }
      return nices;
    } finally {
      serve.stop();
    }
  }
}
