package io.vmtree.engine;

import static io.vmtree.engine.EngineScenario.actions;
import static io.vmtree.engine.EngineScenario.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtree.cli.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vmtree drift} end to end on the sim (SPEC §4, §11): each drift kind made by a {@code sim}
 * command, exit codes, {@code ignore_changes}, a down hypervisor not hiding drift on the other, the
 * lifecycle transitions refresh sees, and that drift neither writes the state nor locks it.
 */
class DriftTest {
  @TempDir Path dir;

  /** /app/web1 and /app/web2 on sim1, /db/pg1 on sim2, all deployed. */
  private EngineScenario deployed(String web2Lifecycle) {
    EngineScenario s =
        new EngineScenario(dir)
            .write(
                "_folder.yaml",
                EngineScenario.rootFolder("latency_ms: 0")
                    + "  tags: {env: lab, owner: web-team}\n",
                "app/web1.yaml",
                "definition:\n  vcpu: 2\n  description: front\n",
                "app/web2.yaml",
                "definition: {}\n" + web2Lifecycle,
                "db/pg1.yaml",
                "definition: {use_hypervisor: sim2}\n");
    s.apply();
    return s;
  }

  private static String id(EngineScenario s, String hypervisor, String path) {
    return s.vmsByMarker(hypervisor).get(path).get("id").toString();
  }

  /** {@return the drift items of {@code drift --format json}, asserted to exit {@code code}} */
  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> drift(EngineScenario s, int code) {
    return (List<Map<String, Object>>)
        json(s.expect(code, "drift", "TREE", "--format", "json").out()).get("drift");
  }

  private static Map<String, String> kinds(List<Map<String, Object>> drift) {
    Map<String, String> kinds = new TreeMap<>();
    drift.forEach(d -> kinds.put(d.get("full_name").toString(), d.get("kind").toString()));
    return kinds;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> fields(Map<String, Object> drift) {
    return (List<Map<String, Object>>) drift.get("fields");
  }

  @Test
  void noDriftExitsZeroAndSaysSo() {
    EngineScenario s = deployed("");

    CliRun text = s.expect(0, "drift", "TREE");

    assertTrue(text.out().startsWith("No drift. 3 descriptor(s) match"), text.out());
    assertTrue(text.err().contains("Refreshed 2 hypervisor(s) with 2 call(s)"), text.err());
    assertEquals(List.of(), drift(s, 0));
  }

  @Test
  void changedIsReportedFieldByFieldWithTheOriginOfTheExpectedValue() {
    EngineScenario s = deployed("");
    s.ok("sim", "set", "sim1", id(s, "sim1", "/app/web1"), "vcpu=8", "memory=4GiB");
    s.ok("sim", "set", "sim1", "web1", "tags.env=prod", "tags.extra=x", "tags.owner=");
    s.ok("sim", "set", "sim1", "web1", "description=changed by hand", "power=off");

    List<Map<String, Object>> drift = drift(s, 2);

    assertEquals(Map.of("/app/web1", "changed"), kinds(drift));
    Map<String, Object> web1 = drift.get(0);
    assertEquals(
        List.of("full_name", "kind", "fields", "hypervisor", "vm_id"),
        List.copyOf(web1.keySet()),
        "SPEC §4 shape, fields added after it");
    assertEquals("sim1", web1.get("hypervisor"));
    assertEquals(id(s, "sim1", "/app/web1"), web1.get("vm_id"));
    Map<String, List<Object>> byField = new TreeMap<>();
    for (Map<String, Object> f : fields(web1)) {
      assertEquals(
          List.of("field", "expected", "actual", "origin", "ignored"), List.copyOf(f.keySet()));
      byField.put(
          f.get("field").toString(),
          java.util.Arrays.asList(f.get("expected"), f.get("actual"), f.get("origin")));
    }
    assertEquals(
        Map.of(
            "vcpu", List.of(2, 8, "app/web1.yaml:2"),
            "memory", List.of("2GiB", "4GiB", "_folder.yaml:7 via prototype small"),
            "power", java.util.Arrays.asList("on", "off", null),
            "description", List.of("front", "changed by hand", "app/web1.yaml:3"),
            "tags.env", List.of("lab", "prod", "_folder.yaml:9"),
            "tags.owner", java.util.Arrays.asList("web-team", null, "_folder.yaml:9"),
            "tags.extra", java.util.Arrays.asList(null, "x", null)),
        byField);
  }

  @Test
  void missingIsReportedWithItsTransitionToProvisioned() {
    EngineScenario s = deployed("");
    String web2 = id(s, "sim1", "/app/web2");
    s.ok("sim", "rm", "sim1", web2);

    CliRun run = s.expect(2, "drift", "TREE", "--format", "json");

    Map<String, Object> report = json(run.out());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> drift = (List<Map<String, Object>>) report.get("drift");
    assertEquals(Map.of("/app/web2", "missing"), kinds(drift));
    assertEquals(web2, drift.get(0).get("vm_id"));
    assertEquals(
        List.of(
            Map.of(
                "full_name",
                "/app/web2",
                "from",
                "deployed",
                "to",
                "provisioned",
                "reason",
                "VM " + web2 + " is missing on sim1")),
        report.get("transitions"));
    String text = s.expect(2, "drift", "TREE").out();
    assertTrue(text.contains("/app/web2: VM " + web2 + " is missing on sim1"), text);
    assertTrue(text.contains("/app/web2: deployed -> provisioned"), text);
    assertEquals("deployed", s.stateDescriptor("/app/web2").get("status"), "drift only reports");
  }

  @Test
  void aDownHypervisorIsUnreachableAndDoesNotHideDriftOnTheOther() {
    EngineScenario s = deployed("");
    s.ok("sim", "set", "sim2", id(s, "sim2", "/db/pg1"), "vcpu=6");
    s.ok("sim", "add", "sim2", "stray");
    s.ok("sim", "down", "sim1");

    CliRun run = s.expect(2, "drift", "TREE", "--format", "json");

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> drift = (List<Map<String, Object>>) json(run.out()).get("drift");
    assertEquals(
        Map.of(
            "/app/web1", "unreachable",
            "/app/web2", "unreachable",
            "/db/pg1", "changed",
            "sim2:stray", "unmanaged"),
        kinds(drift));
    assertTrue(
        drift.stream()
            .filter(d -> "unreachable".equals(d.get("kind")))
            .allMatch(d -> "sim1".equals(d.get("hypervisor")) && d.get("message") != null),
        drift::toString);
    assertTrue(run.err().contains("Refreshed 2 hypervisor(s)"), run.err());
  }

  @Test
  void anUnreachableDescriptorIsDeployedAgainWhenItsHypervisorAnswers() {
    EngineScenario s = deployed("");
    s.ok("sim", "down", "sim1");
    s.write("db/pg1.yaml", "definition: {use_hypervisor: sim2, vcpu: 4}\n");
    s.apply();
    assertEquals("unreachable", s.stateDescriptor("/app/web1").get("status"));
    s.ok("sim", "up", "sim1");

    Map<String, Object> report = json(s.expect(0, "drift", "TREE", "--format", "json").out());

    assertEquals(List.of(), report.get("drift"));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> transitions = (List<Map<String, Object>>) report.get("transitions");
    assertEquals(
        List.of("/app/web1 unreachable->deployed", "/app/web2 unreachable->deployed"),
        transitions.stream()
            .map(t -> t.get("full_name") + " " + t.get("from") + "->" + t.get("to"))
            .toList());
    s.apply();
    assertEquals("deployed", s.stateDescriptor("/app/web1").get("status"));
    assertNull(s.stateDescriptor("/app/web1").get("last_error"));
  }

  @Test
  void anUnreachableDescriptorWhoseVmIsGoneWhenItAnswersIsMissing() {
    EngineScenario s = deployed("");
    String web1 = id(s, "sim1", "/app/web1");
    s.ok("sim", "down", "sim1");
    s.write("db/pg1.yaml", "definition: {use_hypervisor: sim2, vcpu: 4}\n");
    s.apply();
    s.ok("sim", "up", "sim1");
    s.ok("sim", "rm", "sim1", web1);

    Map<String, Object> report = json(s.expect(2, "drift", "TREE", "--format", "json").out());

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> drift = (List<Map<String, Object>>) report.get("drift");
    assertEquals(Map.of("/app/web1", "missing"), kinds(drift));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> transitions = (List<Map<String, Object>>) report.get("transitions");
    assertEquals(
        List.of("/app/web1 unreachable->provisioned", "/app/web2 unreachable->deployed"),
        transitions.stream()
            .map(t -> t.get("full_name") + " " + t.get("from") + "->" + t.get("to"))
            .toList());
  }

  @Test
  void unmanagedAndOrphanedVmsAreReported() {
    EngineScenario s = deployed("");
    s.ok("sim", "add", "sim1", "handmade");
    s.ok("sim", "add", "sim2", "leftover", "marker=/old/leftover");

    List<Map<String, Object>> drift = drift(s, 2);

    assertEquals(Map.of("sim1:handmade", "unmanaged", "/old/leftover", "orphaned"), kinds(drift));
    assertEquals(
        List.of("sim1", "sim2"), drift.stream().map(d -> d.get("hypervisor")).sorted().toList());
  }

  @Test
  void driftOnlyInIgnoredFieldsIsReportedAndExitsZero() {
    EngineScenario s = deployed("lifecycle: {ignore_changes: [power, tags]}\n");
    s.ok("sim", "set", "sim1", id(s, "sim1", "/app/web2"), "power=off", "tags.env=prod");

    List<Map<String, Object>> drift = drift(s, 0);

    assertEquals(Map.of("/app/web2", "changed"), kinds(drift));
    assertTrue(fields(drift.get(0)).stream().allMatch(f -> Boolean.TRUE.equals(f.get("ignored"))));
    assertEquals(2, fields(drift.get(0)).size());
    String text = s.expect(0, "drift", "TREE").out();
    assertTrue(text.contains("only in ignored fields"), text);
    assertTrue(text.contains("No drift that fails: 0 to look at, 1 only in ignored"), text);
    s.ok("sim", "set", "sim1", id(s, "sim1", "/app/web2"), "vcpu=3");
    assertEquals(Map.of("/app/web2", "changed"), kinds(drift(s, 2)), "vcpu is not ignored");
  }

  @Test
  void planShowsTheSameDriftBeforeTheChangesThatFixIt() {
    EngineScenario s = deployed("");
    s.ok("sim", "set", "sim1", id(s, "sim1", "/app/web1"), "vcpu=8");
    s.ok("sim", "rm", "sim2", id(s, "sim2", "/db/pg1"));
    s.ok("sim", "add", "sim1", "stray");

    Map<String, Object> plan = s.plan();
    Map<String, Object> drift = json(s.expect(2, "drift", "TREE", "--format", "json").out());

    assertEquals(drift.get("drift"), plan.get("drift"));
    assertEquals(drift.get("transitions"), plan.get("transitions"));
    assertEquals(List.of("update /app/web1", "deploy /db/pg1"), actions(plan));
    String text = s.ok("plan", "TREE").out();
    int driftAt = text.indexOf("Drift:");
    int seenAt = text.indexOf("Seen on refresh");
    int changesAt = text.indexOf("vmtree will perform");
    assertTrue(driftAt >= 0 && driftAt < seenAt && seenAt < changesAt, text);
    assertTrue(text.contains("/db/pg1: deployed -> provisioned"), text);
  }

  @Test
  void driftNeitherWritesTheStateNorTakesTheLock() throws IOException {
    EngineScenario s = deployed("");
    s.ok("sim", "set", "sim1", id(s, "sim1", "/app/web1"), "vcpu=8");
    s.ok("sim", "rm", "sim1", id(s, "sim1", "/app/web2"));
    Map<String, String> before = stateFiles(s);
    Path lock = s.state().resolve("lock.json");
    Files.writeString(lock, "{}");
    try {
      s.expect(2, "drift", "TREE");
    } finally {
      Files.delete(lock);
    }

    assertEquals(before, stateFiles(s), "drift must not write the state");
  }

  /** {@return every file of the state but the sim worlds, with its content} */
  private static Map<String, String> stateFiles(EngineScenario s) throws IOException {
    try (Stream<Path> files = Files.walk(s.state())) {
      return files
          .filter(Files::isRegularFile)
          .filter(f -> !s.state().relativize(f).startsWith("sim"))
          .collect(
              Collectors.toMap(
                  f -> s.state().relativize(f).toString(),
                  f -> {
                    try {
                      return Files.readString(f);
                    } catch (IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  },
                  (a, b) -> a,
                  TreeMap::new));
    }
  }

  @Test
  void anInvalidTreeIsAnErrorAndWritesNoReport() {
    EngineScenario s = deployed("");
    s.write("app/web3.yaml", "definition: {vcpu: many}\n");
    Path xml = dir.resolve("out/drift.xml");

    CliRun run = s.expect(1, "drift", "TREE", "--format", "junit", "--output", xml.toString());

    assertTrue(run.err().contains("app/web3.yaml:1:"), run.err());
    assertFalse(Files.exists(xml));
  }

  @Test
  void aSecretThatCannotBeResolvedIsAnErrorNamingTheHypervisor() {
    EngineScenario s = deployed("");
    s.write(
        "_folder.yaml",
        EngineScenario.rootFolder("latency_ms: 0, password: \"${env:VMTREE_NO_SUCH_VAR}\"")
            + "  tags: {env: lab, owner: web-team}\n");

    CliRun run = s.expect(1, "drift", "TREE");

    assertTrue(run.err().contains("sim1"), run.err());
    assertTrue(run.err().contains("VMTREE_NO_SUCH_VAR"), run.err());
    assertFalse(run.err().contains("Exception"), run.err());
    assertEquals("", run.out());
  }

  @Test
  void usageErrorsExitOne() {
    EngineScenario s = deployed("");

    CliRun two = s.expect(1, "drift", "TREE", "--format", "json", "--format", "markdown");
    CliRun unknown = s.expect(1, "drift", "TREE", "--format", "yaml");
    CliRun orphanOutput =
        s.expect(
            1, "drift", "TREE", "--format", "json", "--output", "a.json", "--output", "b.json");

    assertTrue(two.err().contains("only one format can go to standard output"), two.err());
    assertTrue(unknown.err().contains("unknown format 'yaml'"), unknown.err());
    assertTrue(orphanOutput.err().contains("--format"), orphanOutput.err());
    CliRun plan = s.expect(1, "plan", "TREE", "--format", "junit");
    assertTrue(plan.err().contains("unknown format 'junit'"), plan.err());
  }
}
