package io.vmtree.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vmtree.cli.Cli;
import io.vmtree.cli.CliRun;
import io.vmtree.cli.Terminal;
import io.vmtree.testing.TreeFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import tools.jackson.databind.json.JsonMapper;

/**
 * One end-to-end scenario on the {@code sim} hypervisor: a tree directory and a state directory
 * under a temporary directory, the real command line run in this JVM ({@link CliRun}), and readers
 * for what the commands print as JSON ({@code plan --json}, {@code sim ls --json}, {@code ops list
 * --json}) and for the state's descriptor files.
 */
public final class EngineScenario {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Path tree;
  private final Path state;

  /** A scenario whose tree is {@code dir/tree} and whose state is {@code dir/state}. */
  public EngineScenario(Path dir) {
    this.tree = dir.resolve("tree");
    this.state = dir.resolve("state");
  }

  /** {@return the tree's root} */
  public Path tree() {
    return tree;
  }

  /** {@return the state directory} */
  public Path state() {
    return state;
  }

  /**
   * {@return a root {@code _folder.yaml}: hypervisors sim1 and sim2 with {@code simFields} (e.g.
   * {@code "latency_ms: 0"}), sim1 used by default, and a {@code small} prototype (debian-12, 2
   * vCPU, 2GiB)}
   */
  public static String rootFolder(String simFields) {
    String extra = simFields.isBlank() ? "" : ", " + simFields;
    return "definition:\n"
        + "  hypervisors:\n"
        + "    sim1: {type: sim, host: rack-a"
        + extra
        + "}\n"
        + "    sim2: {type: sim, host: rack-b"
        + extra
        + "}\n"
        + "  use_hypervisor: sim1\n"
        + "  prototypes:\n"
        + "    small: {base_image: debian-12, vcpu: 2, memory: 2GiB}\n"
        + "  use_prototype: small\n";
  }

  /** Writes files of the tree: alternating relative path and content. */
  public EngineScenario write(String... pathsAndContents) {
    TreeFixture.write(tree, TreeFixture.files(pathsAndContents));
    return this;
  }

  /** Deletes a file of the tree. */
  public EngineScenario delete(String relative) {
    try {
      Files.delete(tree.resolve(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** Renames a file of the tree. */
  public EngineScenario rename(String from, String to) {
    try {
      Files.move(tree.resolve(from), tree.resolve(to));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** {@return {@code vmtree --state STATE ARGS...}, in this JVM; a TREE argument is "TREE"} */
  public CliRun vmtree(String... args) {
    List<String> all = new ArrayList<>(List.of("--state", state.toString()));
    for (String arg : args) {
      all.add(arg.equals("TREE") ? tree.toString() : arg);
    }
    return CliRun.of(all.toArray(String[]::new));
  }

  /**
   * {@return {@code vmtree --state STATE ARGS...} in this JVM, with an engine that reads {@code
   * ${env:...}} secrets from {@code environment} instead of the process environment}
   */
  public CliRun vmtree(Map<String, String> environment, String... args) {
    List<String> all = new ArrayList<>(List.of("--state", state.toString()));
    for (String arg : args) {
      all.add(arg.equals("TREE") ? tree.toString() : arg);
    }
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    Terminal terminal =
        new Terminal(new java.io.PrintWriter(out), new java.io.PrintWriter(err), false);
    String[] line = all.toArray(String[]::new);
    int code = Cli.build(terminal, () -> Engine.create(environment), line).execute(line);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** {@return the run of {@code args}, asserted to exit with {@code code}} */
  public CliRun expect(int code, String... args) {
    CliRun run = vmtree(args);
    assertEquals(code, run.exitCode(), () -> describe(args, run));
    return run;
  }

  /** {@return the run of {@code args}, asserted to exit 0} */
  public CliRun ok(String... args) {
    return expect(0, args);
  }

  /** {@return {@code apply TREE --auto-approve}, asserted to exit 0} */
  public CliRun apply(String... extra) {
    return ok(concat(new String[] {"apply", "TREE", "--auto-approve"}, extra));
  }

  /** {@return the JSON of {@code plan TREE --json EXTRA...}, asserted to exit 0} */
  public Map<String, Object> plan(String... extra) {
    return json(ok(concat(new String[] {"plan", "TREE", "--json"}, extra)).out());
  }

  /** {@return the changes of a plan JSON} */
  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> changes(Map<String, Object> plan) {
    return (List<Map<String, Object>>) plan.get("changes");
  }

  /** {@return the drift items of a plan JSON} */
  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> drift(Map<String, Object> plan) {
    return (List<Map<String, Object>>) plan.get("drift");
  }

  /** {@return "action full_name" for every change of a plan JSON, folders included, in order} */
  public static List<String> actions(Map<String, Object> plan) {
    return changes(plan).stream().map(c -> c.get("action") + " " + c.get("full_name")).toList();
  }

  /** {@return the one change of {@code plan} on {@code fullName} with {@code action}} */
  public static Map<String, Object> change(
      Map<String, Object> plan, String action, String fullName) {
    List<Map<String, Object>> found =
        changes(plan).stream()
            .filter(c -> action.equals(c.get("action")) && fullName.equals(c.get("full_name")))
            .toList();
    assertEquals(1, found.size(), () -> action + " " + fullName + " in " + actions(plan));
    return found.get(0);
  }

  /** {@return the reasons of a change} */
  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> reasons(Map<String, Object> change) {
    return (List<Map<String, Object>>) change.get("reasons");
  }

  /** {@return the VMs of sim {@code hypervisor} ({@code sim ls --json}), empty with no world} */
  @SuppressWarnings("unchecked")
  public List<Map<String, Object>> vms(String hypervisor) {
    if (!Files.isDirectory(state.resolve("sim").resolve(hypervisor))) {
      return List.of();
    }
    CliRun run = ok("sim", "ls", hypervisor, "--json");
    return (List<Map<String, Object>>) json(run.out()).get("vms");
  }

  /** {@return the VMs of {@code hypervisor} by marker, asserting no marker is on two VMs} */
  public Map<String, Map<String, Object>> vmsByMarker(String hypervisor) {
    Map<String, Map<String, Object>> byMarker = new TreeMap<>();
    for (Map<String, Object> vm : vms(hypervisor)) {
      Object marker = vm.get("marker");
      if (marker == null) {
        continue;
      }
      Map<String, Object> other = byMarker.put(marker.toString(), vm);
      if (other != null) {
        fail("two VMs carry the marker " + marker + " on " + hypervisor + ": " + other + ", " + vm);
      }
    }
    return byMarker;
  }

  /** {@return the VM with {@code id} on {@code hypervisor}, or null} */
  public Map<String, Object> vm(String hypervisor, String id) {
    return vms(hypervisor).stream().filter(vm -> id.equals(vm.get("id"))).findFirst().orElse(null);
  }

  /** {@return every operation of the journal ({@code ops list --json}), by id} */
  @SuppressWarnings("unchecked")
  public List<Map<String, Object>> ops() {
    return (List<Map<String, Object>>) json(ok("ops", "list", "--json").out()).get("operations");
  }

  /** {@return the operations of the journal that match} */
  public List<Map<String, Object>> ops(Predicate<Map<String, Object>> filter) {
    return ops().stream().filter(filter).toList();
  }

  /** {@return the one operation of {@code type} on {@code target} with id above {@code after}} */
  public Map<String, Object> op(String type, String target, long after) {
    List<Map<String, Object>> found =
        ops(
            o ->
                type.equals(o.get("type"))
                    && ((List<?>) o.get("targets")).contains(target)
                    && ((Number) o.get("id")).longValue() > after);
    assertEquals(1, found.size(), () -> type + " " + target + " after op " + after + ": " + ops());
    return found.get(0);
  }

  /** {@return the highest operation id so far, 0 when none} */
  public long lastOpId() {
    return ops().stream().mapToLong(o -> ((Number) o.get("id")).longValue()).max().orElse(0);
  }

  /** {@return the descriptors of the state as a reader sees them, parsed, by full name} */
  public Map<String, Map<String, Object>> stateDescriptors() {
    Path dir = state.resolve("descriptors");
    Map<String, Map<String, Object>> all = new TreeMap<>();
    try (Stream<Path> files = Files.isDirectory(dir) ? Files.walk(dir) : Stream.empty()) {
      for (Path file :
          files
              .filter(f -> f.getFileName().toString().endsWith(".json"))
              .filter(f -> !f.getFileName().toString().startsWith("."))
              .sorted(Comparator.naturalOrder())
              .toList()) {
        Map<String, Object> d = json(Files.readString(file));
        all.put(d.get("full_name").toString(), d);
      }
      // what a reader of the state sees: the write-ahead log laid over the files (docs/engine.md)
      Path wal = state.resolve("wal.jsonl");
      if (Files.exists(wal)) {
        String text = Files.readString(wal);
        int end = text.lastIndexOf('\n');
        for (String line : text.substring(0, end + 1).split("\n")) {
          if (line.isBlank()) {
            continue;
          }
          Map<String, Object> record = json(line);
          if (record.containsKey("removed")) {
            all.remove(record.get("removed").toString());
          } else {
            all.put(record.get("full_name").toString(), record);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return all;
  }

  /** {@return the state's descriptor {@code fullName}, or null} */
  public Map<String, Object> stateDescriptor(String fullName) {
    return stateDescriptors().get(fullName);
  }

  /**
   * Asserts that state and sims agree (SPEC §1, §9) once every operation is settled: every deployed
   * descriptor's {@code vm_id} is a VM on its hypervisor carrying its marker and its name; every VM
   * with a marker belongs to a deployed descriptor; no marker is on two VMs; nothing is pending.
   */
  public void assertConsistent(String... hypervisors) {
    assertConsistent(true, hypervisors);
  }

  /**
   * Like {@link #assertConsistent(String...)}; when not {@code settled} (after a failed or killed
   * apply), a descriptor may carry a pending operation, the intent recorded before a side effect
   * (ARCHITECTURE habit 5): what it says about its VM is then left for the next apply to resolve,
   * and a VM carrying its path as marker, or its {@code vm_id}, is accounted for.
   */
  public void assertConsistent(boolean settled, String... hypervisors) {
    Map<String, Map<String, Object>> descriptors = stateDescriptors();
    Map<String, Map<String, Object>> vmsById = new HashMap<>();
    for (String hypervisor : hypervisors) {
      vmsByMarker(hypervisor);
      for (Map<String, Object> vm : vms(hypervisor)) {
        vmsById.put(vm.get("id") + "@" + hypervisor, vm);
      }
    }
    Map<String, String> owners = new HashMap<>();
    java.util.Set<String> excused = new java.util.HashSet<>();
    for (Map<String, Object> d : descriptors.values()) {
      String name = d.get("full_name").toString();
      String key = d.get("vm_id") + "@" + d.get("hypervisor");
      if (d.get("pending") != null) {
        assertTrue(!settled, () -> name + " still has a pending operation: " + d);
        excused.add(name);
        excused.add(key);
        continue;
      }
      if ("provisioned".equals(d.get("status"))) {
        assertEquals(null, d.get("vm_id"), () -> name + " is " + d.get("status") + " with a vm_id");
        continue;
      }
      // deployed, or unreachable (its hypervisor did not answer a refresh): it has a VM
      Map<String, Object> vm = vmsById.get(key);
      assertNotNull(vm, () -> name + " is deployed as " + key + ", which does not exist: " + d);
      assertEquals(name, vm.get("marker"), () -> "marker of " + key + " for " + name);
      assertEquals(
          name.substring(name.lastIndexOf('/') + 1), vm.get("name"), () -> "name of " + key);
      String other = owners.put(key, name);
      assertEquals(null, other, () -> key + " belongs to both " + other + " and " + name);
    }
    List<String> strays =
        vmsById.entrySet().stream()
            .filter(e -> e.getValue().get("marker") != null && !owners.containsKey(e.getKey()))
            .filter(e -> !excused.contains(e.getKey()))
            .filter(e -> !excused.contains(e.getValue().get("marker").toString()))
            .map(e -> e.getKey() + " marked " + e.getValue().get("marker"))
            .sorted()
            .collect(Collectors.toList());
    assertTrue(strays.isEmpty(), () -> "VMs no descriptor owns: " + strays + " in " + descriptors);
  }

  /** {@return {@code text} parsed as a JSON object} */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> json(String text) {
    return JSON.readValue(text, Map.class);
  }

  /** {@return the args and output of a run, for assertion messages} */
  public static String describe(String[] args, CliRun run) {
    return "vmtree "
        + String.join(" ", args)
        + " exited "
        + run.exitCode()
        + "\n--- out:\n"
        + run.out()
        + "\n--- err:\n"
        + run.err();
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = new String[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
