package io.vmtree.server;

import static io.vmtree.server.ServeHarness.list;
import static io.vmtree.server.ServeHarness.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtree.cli.CliRun;
import io.vmtree.server.ServeHarness.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /v1/drift} and {@code serve --drift-interval}, over real HTTP on loopback: the sim is
 * disturbed from outside with the real {@code vmtree sim} commands while the service runs.
 */
class ServeDriftTest {
  private static final String ADMIN = ServeHarness.TOKENS.get("root-admin");
  private static final String LAB_READER = ServeHarness.TOKENS.get("lab-reader");

  @TempDir Path dir;
  private ServeHarness h;

  /** /lab/web1 and /prod/db1 on sim1, /lab/web2 on sim2, deployed through the service. */
  private ServeHarness deployed(Duration driftInterval) {
    h =
        ServeHarness.of(
            dir,
            "_folder.yaml",
            ServeHarness.root("latency_ms: 0"),
            "lab/web1.yaml",
            "definition:\n  vcpu: 4\n",
            "lab/web2.yaml",
            "definition:\n  use_hypervisor: sim2\n",
            "prod/db1.yaml",
            "definition:\n  memory: 4GiB\n");
    h.start(h.defaults(true).withDriftInterval(driftInterval));
    Map<String, Object> apply = h.planAndApply("{}", ADMIN);
    assertEquals("succeeded", apply.get("status"), apply.toString());
    return h;
  }

  @AfterEach
  void stop() {
    if (h != null) {
      h.close();
    }
  }

  private void sim(String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "--state";
    all[1] = h.state.toString();
    all[2] = "sim";
    System.arraycopy(args, 0, all, 3, args.length);
    CliRun run = CliRun.of(all);
    assertEquals(0, run.exitCode(), run.all());
  }

  private static Map<String, String> kinds(Response drift) {
    assertEquals(200, drift.status(), drift.body());
    Map<String, String> kinds = new TreeMap<>();
    list(drift.json().get("drift"))
        .forEach(d -> kinds.put(d.get("full_name").toString(), d.get("kind").toString()));
    return kinds;
  }

  @Test
  void driftShowsWhatChangedOnTheSimInTheShapeOfTheCliCutToTheToken() {
    deployed(null);
    Response none = h.get("/v1/drift", ADMIN);
    assertEquals(Map.of(), kinds(none), "no report yet: one is made on request");
    assertEquals(
        List.of(
            "format_version",
            "drift",
            "transitions",
            "checked_at",
            "descriptors_checked",
            "hypervisor_calls",
            "took_ms"),
        List.copyOf(none.json().keySet()));
    assertEquals(3, none.json().get("descriptors_checked"));
    assertEquals(Map.of("sim1", 1, "sim2", 1), none.json().get("hypervisor_calls"));

    sim("set", "sim1", "web1", "vcpu=8");
    sim("set", "sim1", "db1", "memory=8GiB");
    sim("add", "sim1", "by-hand");
    sim("rm", "sim2", "web2");
    assertEquals(Map.of(), kinds(h.get("/v1/drift", ADMIN)), "the latest report, not a new one");

    Map<String, String> before = stateFiles();
    Response fresh = h.get("/v1/drift?refresh=true", ADMIN);
    assertEquals(
        Map.of(
            "/lab/web1", "changed",
            "/lab/web2", "missing",
            "/prod/db1", "changed",
            "sim1:by-hand", "unmanaged"),
        kinds(fresh));
    assertEquals(before, stateFiles(), "a drift run writes nothing to the state");
    assertEquals("deployed", h.get("/v1/descriptors/lab/web2", ADMIN).json().get("status"));

    // the same objects as `vmtree drift --format json` (which reads the state without its lock)
    CliRun cli =
        CliRun.of("--state", h.state.toString(), "drift", h.tree.toString(), "--format", "json");
    assertEquals(2, cli.exitCode(), cli.all());
    Map<String, Object> expected = ServeHarness.JSON.readValue(cli.out(), Map.class);
    assertEquals(expected.get("drift"), fresh.json().get("drift"));
    assertEquals(expected.get("transitions"), fresh.json().get("transitions"));
    Map<String, Object> web1 = list(fresh.json().get("drift")).get(0);
    Map<String, Object> vcpu = list(web1.get("fields")).get(0);
    assertEquals(
        List.of("vcpu", 4, 8),
        List.of(vcpu.get("field"), vcpu.get("expected"), vcpu.get("actual")));

    // a token on /lab/** sees /lab only, and no VM nobody declared
    Response lab = h.get("/v1/drift", LAB_READER);
    assertEquals(Map.of("/lab/web1", "changed", "/lab/web2", "missing"), kinds(lab));
    assertEquals(
        List.of("/lab/web2"),
        list(lab.json().get("transitions")).stream().map(t -> t.get("full_name")).toList());
    assertEquals(2, lab.json().get("descriptors_checked"));

    assertEquals(401, h.get("/v1/drift").status());
    Response bad = h.get("/v1/drift?refresh=yes", ADMIN);
    assertEquals(400, bad.status(), bad.body());
  }

  @Test
  void aPlanShowsATokenOnlyTheDriftAndTransitionsOfItsSubtrees() {
    deployed(null);
    sim("set", "sim1", "web1", "vcpu=8");
    sim("set", "sim1", "db1", "memory=8GiB");
    sim("add", "sim1", "by-hand");
    sim("rm", "sim2", "web2");
    String planner = ServeHarness.TOKENS.get("lab-planner");
    for (String body : List.of("{}", "{\"targets\": [\"/lab/nonexistent\"]}")) {
      Response planned = h.post("/v1/plan", body, planner);
      assertEquals(202, planned.status(), planned.body());
      Map<String, Object> op = h.await(planned.json().get("id"), planner);
      assertEquals("succeeded", op.get("status"), op.toString());
      // /lab/web1 changed, /lab/web2 missing; neither /prod/db1 nor the unmanaged VM
      assertEquals(2, map(op.get("result")).get("drift"), op.toString());
      Response plan = h.get("/v1/plans/" + op.get("id"), planner);
      assertEquals(200, plan.status(), plan.body());
      assertEquals(
          Map.of("/lab/web1", "changed", "/lab/web2", "missing"), kinds(plan), plan.body());
      assertTrue(
          list(plan.json().get("transitions")).stream()
              .allMatch(t -> t.get("full_name").toString().startsWith("/lab/")),
          plan.body());
      assertFalse(plan.body().contains("/prod"), plan.body());
      assertFalse(plan.body().contains("by-hand"), plan.body());
    }
    // an admin's plan shows everything
    long all = h.plan("{}", ADMIN);
    assertEquals(
        Map.of(
            "/lab/web1", "changed",
            "/lab/web2", "missing",
            "/prod/db1", "changed",
            "sim1:by-hand", "unmanaged"),
        kinds(h.get("/v1/plans/" + all, ADMIN)));
  }

  @Test
  void continuousDriftPicksUpASimSetWithoutARequestAndShowsItInTheMetrics() throws Exception {
    deployed(Duration.ofSeconds(1));
    assertTrue(h.log.toString().contains("drift every 1s"), h.log.toString());
    long runsBefore =
        waitFor("vmtree_drift_runs_total\\{result=\"succeeded\"} (\\d+)", n -> n >= 1);
    assertTrue(metrics().contains("vmtree_drift{kind=\"changed\"} 0\n"), metrics());

    sim("set", "sim1", "web1", "vcpu=8", "power=off");

    waitFor("vmtree_drift\\{kind=\"changed\"} (\\d+)", n -> n == 1);
    String metrics = metrics();
    assertTrue(metrics.contains("vmtree_drift{kind=\"missing\"} 0\n"), metrics);
    assertTrue(metrics.contains("vmtree_drift{kind=\"unmanaged\"} 0\n"), metrics);
    Matcher at =
        Pattern.compile("vmtree_drift_last_run_timestamp_seconds (\\d+\\.\\d{3})\n")
            .matcher(metrics);
    assertTrue(at.find(), metrics);
    double age = System.currentTimeMillis() / 1000.0 - Double.parseDouble(at.group(1));
    assertTrue(age >= 0 && age < 60, "last run " + age + " s ago");
    long sim1Calls =
        number(metrics, "vmtree_drift_hypervisor_calls_total\\{hypervisor=\"sim1\"} (\\d+)");
    long runs = number(metrics, "vmtree_drift_runs_total\\{result=\"succeeded\"} (\\d+)");
    assertTrue(runs > runsBefore, metrics);
    assertEquals(runs, sim1Calls, "one bulk list of sim1 a run");

    // nobody asked: the report is already there
    Response drift = h.get("/v1/drift", ADMIN);
    assertEquals(Map.of("/lab/web1", "changed"), kinds(drift));
    List<Map<String, Object>> fields = list(list(drift.json().get("drift")).get(0).get("fields"));
    assertEquals(
        List.of("power", "vcpu"), fields.stream().map(f -> f.get("field")).sorted().toList());
    assertTrue(h.log.toString().contains("1 changed"), h.log.toString());
  }

  @Test
  @org.junit.jupiter.api.Timeout(60)
  void aDriftIntervalThatIsNotADurationIsRefusedBeforeAnythingStarts() {
    for (String bad : List.of("5x", "0s", "90", "1.5m")) {
      CliRun run =
          CliRun.of(
              "--state",
              dir.resolve("state").toString(),
              "serve",
              "--tree",
              dir.toString(),
              "--listen",
              "127.0.0.1:0",
              "--drift-interval",
              bad);
      assertEquals(1, run.exitCode(), run.all());
      assertTrue(
          run.err()
              .contains(
                  "--drift-interval must be a duration of at least 1s, like 30s, 5m or 1h, not \""
                      + bad
                      + "\""),
          run.err());
    }
  }

  private String metrics() {
    Response r = h.get("/metrics", ADMIN);
    assertEquals(200, r.status(), r.body());
    return r.body();
  }

  private static long number(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertTrue(m.find(), regex + " not in:\n" + text);
    return Long.parseLong(m.group(1));
  }

  /** {@return the number {@code regex} captures in the metrics, once {@code until} holds} */
  private long waitFor(String regex, java.util.function.LongPredicate until)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      last = metrics();
      Matcher m = Pattern.compile(regex).matcher(last);
      if (m.find() && until.test(Long.parseLong(m.group(1)))) {
        return Long.parseLong(m.group(1));
      }
      Thread.sleep(100);
    }
    throw new AssertionError(regex + " did not come in 30 s:\n" + last + "\n" + h.log);
  }

  /** {@return every file of the state but the sim worlds, with its content} */
  private Map<String, String> stateFiles() {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(h.state)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        String rel = h.state.relativize(p).toString();
        if (!rel.startsWith("sim/")) {
          files.put(rel, Files.readString(p));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }
}
