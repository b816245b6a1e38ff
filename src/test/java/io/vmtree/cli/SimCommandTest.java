package io.vmtree.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtree.connector.ConnectorException;
import io.vmtree.connector.HypervisorConfig;
import io.vmtree.connector.HypervisorSession;
import io.vmtree.connector.VmSpec;
import io.vmtree.connector.sim.SimConnector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code vmtree sim ...} through the real command line, against a world in a temp state dir. */
class SimCommandTest {
  @TempDir Path dir;

  CliRun sim(String... args) {
    List<String> all = new ArrayList<>(List.of("sim"));
    all.addAll(List.of(args));
    all.addAll(List.of("--state", dir.toString()));
    return CliRun.of(all.toArray(String[]::new));
  }

  CliRun ok(String... args) {
    CliRun run = sim(args);
    assertEquals(0, run.exitCode(), run.all());
    return run;
  }

  JsonNode ls() {
    return JsonMapper.builder().build().readTree(ok("ls", "sim1", "--json").out());
  }

  HypervisorSession connect() {
    return new SimConnector()
        .connect(new HypervisorConfig("sim1", "sim", Map.of(), UnaryOperator.identity(), dir));
  }

  @Test
  void addMakesAnUnmanagedVmThatLsShowsAsATable() {
    assertEquals("added vm-000001 (db9) to sim1\n", ok("add", "sim1", "db9").out());
    ok("add", "sim1", "web1", "folder=/lab/web", "vcpu=2", "memory=1536", "tags.env=lab");

    assertEquals(
        """
        ID         NAME  FOLDER    VCPU  MEMORY   POWER  MARKER  TAGS
        vm-000001  db9   /         1     1GiB     on     -       -
        vm-000002  web1  /lab/web  2     1536MiB  on     -       env=lab
        """,
        ok("ls", "sim1").out());
  }

  @Test
  void lsJsonHasTheShapeOfTheSpec() {
    try (HypervisorSession session = connect()) {
      session.create(
          new VmSpec(
              "web1",
              List.of("lab"),
              "/lab/web1",
              "debian-12",
              2,
              4096,
              false,
              Map.of("env", "lab", "owner", "infra"),
              "front"));
    }
    ok("add", "sim1", "stray");

    JsonNode json = ls();

    assertEquals(List.of("vms"), List.copyOf(json.propertyNames()));
    JsonNode managed = json.get("vms").get(0);
    assertEquals(
        List.of("id", "name", "folder", "vcpu", "memory", "power", "tags", "marker"),
        List.copyOf(managed.propertyNames()));
    assertEquals(
        JsonMapper.builder()
            .build()
            .readTree(
                """
                {"vms": [
                  {"id": "vm-000001", "name": "web1", "folder": "/lab", "vcpu": 2, "memory": "4GiB",
                   "power": "off", "tags": {"env": "lab", "owner": "infra"}, "marker": "/lab/web1"},
                  {"id": "vm-000002", "name": "stray", "folder": "/", "vcpu": 1, "memory": "1GiB",
                   "power": "on", "tags": {}, "marker": null}]}
                """),
        json);
  }

  @Test
  void setChangesAVmBehindTheEnginesBack() {
    ok("add", "sim1", "web1", "tags.env=lab", "tags.team=web", "description=old");

    CliRun run =
        ok(
            "set",
            "sim1",
            "web1",
            "vcpu=4",
            "memory=8GiB",
            "power=off",
            "tags.env=prod",
            "tags.team=",
            "name=web9",
            "folder=/prod",
            "marker=/prod/web9");

    assertEquals(
        "updated vm-000001 (web9) on sim1: vcpu=4 memory=8GiB power=off tags.env=prod tags.team="
            + " name=web9 folder=/prod marker=/prod/web9\n",
        run.out());
    JsonNode vm = ls().get("vms").get(0);
    assertEquals("web9", vm.get("name").asString());
    assertEquals("/prod", vm.get("folder").asString());
    assertEquals(4, vm.get("vcpu").asInt());
    assertEquals("8GiB", vm.get("memory").asString());
    assertEquals("off", vm.get("power").asString());
    assertEquals(Map.of("env", "prod"), Map.of("env", vm.get("tags").get("env").asString()));
    assertEquals(1, vm.get("tags").size());
    assertEquals("/prod/web9", vm.get("marker").asString());
  }

  @Test
  void aVmIsFoundByIdToo() {
    ok("add", "sim1", "web1");

    ok("set", "sim1", "vm-000001", "vcpu=3");

    assertEquals(3, ls().get("vms").get(0).get("vcpu").asInt());
  }

  @Test
  void aNameOfSeveralVmsIsAnErrorListingTheirIds() {
    ok("add", "sim1", "web1");
    ok("add", "sim1", "web1", "folder=/other");

    CliRun run = sim("set", "sim1", "web1", "vcpu=2");

    assertEquals(1, run.exitCode());
    assertEquals(
        "error: VM name \"web1\" matches several VMs on sim1: vm-000001, vm-000002; give an id\n",
        run.err());
  }

  @Test
  void rmDeletesTheVm() {
    ok("add", "sim1", "web1");
    ok("add", "sim1", "web2");

    assertEquals("removed vm-000001 (web1) from sim1\n", ok("rm", "sim1", "web1").out());

    assertEquals(1, ls().get("vms").size());
    CliRun again = sim("rm", "sim1", "web1");
    assertEquals(1, again.exitCode());
    assertEquals("error: no VM with id or name \"web1\" on sim1\n", again.err());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          no equals sign             | vcpu       | expected FIELD=VALUE, got "vcpu"
          an unknown field           | color=red  | unknown field "color": use name, folder, vcpu, memory, power, description, tags.KEY, marker or base_image
          no CPU                     | vcpu=0     | vcpu must be a whole number of 1 or more, got "0"
          CPUs not a number          | vcpu=many  | vcpu must be a whole number of 1 or more, got "many"
          a decimal memory unit      | memory=4GB | invalid memory size "4GB": use a whole number of MiB, or a number with MiB, GiB or TiB ("4GiB")
          no memory                  | memory=0   | memory must be between 1 MiB and 1048576 TiB
          a power that is no state   | power=half | power must be on or off, got "half"
          a relative folder          | folder=lab | folder must be an absolute path such as /lab/db, got "lab"
          an empty name              | name=      | invalid VM name "": it must be non-empty, without '/'
          an empty tag key           | tags.=x    | unknown field "tags.": use name, folder, vcpu, memory, power, description, tags.KEY, marker or base_image
          """)
  void aBadAssignmentIsAnErrorAndChangesNothing(String reason, String assignment, String error) {
    ok("add", "sim1", "web1");

    CliRun run = sim("set", "sim1", "web1", "vcpu=7", assignment);

    assertEquals(1, run.exitCode());
    assertEquals("error: " + error + "\n", run.err());
    assertEquals(1, ls().get("vms").get(0).get("vcpu").asInt());
  }

  @Test
  void aWorldThatWasNeverMadeIsAnError() {
    for (String[] args :
        List.of(
            new String[] {"ls", "sim9"},
            new String[] {"set", "sim9", "web1", "vcpu=2"},
            new String[] {"rm", "sim9", "web1"},
            new String[] {"up", "sim9"})) {
      CliRun run = sim(args);

      assertEquals(1, run.exitCode(), String.join(" ", args));
      assertEquals(
          "error: no sim world at " + dir.resolve("sim/sim9") + " (nothing deployed there yet?)\n",
          run.err());
    }
  }

  @Test
  void downMakesTheSimUnreachableUntilUp() {
    assertEquals("sim1 is down: 'vmtree sim up sim1' brings it back\n", ok("down", "sim1").out());

    ConnectorException e = assertThrows(ConnectorException.class, this::connect);
    assertEquals(ConnectorException.Kind.UNREACHABLE, e.kind());
    assertTrue(
        ok("ls", "sim1").out().endsWith("sim1 is down: 'vmtree sim up sim1' brings it back\n"));

    assertEquals("sim1 is up\n", ok("up", "sim1").out());
    try (HypervisorSession session = connect()) {
      assertEquals(List.of(), session.list());
    }
  }

  @Test
  void lsShowsTheDisksKeptByDeletes() {
    try (HypervisorSession session = connect()) {
      String id =
          session
              .create(
                  new VmSpec("db1", List.of(), "/db1", "debian-12", 1, 1024, true, Map.of(), null))
              .id();
      session.delete(id, true);
    }

    assertEquals("no VMs on sim1\nkept disks: vm-000001-disk0\n", ok("ls", "sim1").out());
  }

  @Test
  void dirPlacesTheWorldAnywhere() {
    Path elsewhere = dir.resolve("elsewhere");

    ok("add", "sim1", "web1", "--dir", elsewhere.toString());

    assertEquals(1, sim("ls", "sim1").exitCode());
    assertTrue(ok("ls", "sim1", "--dir", elsewhere.toString()).out().contains("web1"));
  }

  @Test
  void stateMayBeGivenBeforeTheCommandName() {
    ok("add", "sim1", "web1");

    CliRun run = CliRun.of("--state", dir.toString(), "sim", "ls", "sim1", "--json");

    assertEquals(0, run.exitCode(), run.all());
    assertTrue(run.out().contains("\"web1\""), run.out());
  }

  @Test
  void addRefusesAMarkerAnotherVmCarries() {
    ok("add", "sim1", "web1", "marker=/lab/web1");

    CliRun run = sim("add", "sim1", "web2", "marker=/lab/web1");

    assertEquals(1, run.exitCode());
    assertEquals("error: vm-000001 (web1) on sim1 already carries marker /lab/web1\n", run.err());
  }

  @Test
  void simWithoutASubcommandIsAUsageError() {
    CliRun run = CliRun.of("sim");

    assertEquals(1, run.exitCode());
    assertTrue(run.err().startsWith("error: missing a sim command"), run.err());
  }
}
