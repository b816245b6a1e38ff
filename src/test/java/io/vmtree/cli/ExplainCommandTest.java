package io.vmtree.cli;

import static io.vmtree.testing.TreeFixture.files;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtree.testing.TreeFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vmtree explain} through the real command line, text and JSON, with golden output. */
class ExplainCommandTest {
  @TempDir Path dir;
  Path root;

  @BeforeEach
  void writeTree() {
    root =
        TreeFixture.write(
            dir.resolve("tree"),
            files(
                "_folder.yaml",
                """
                definition:
                  hypervisors:
                    sim1: {type: sim, host: sim-a, password: "${env:SIM_PASS}", max_parallel: 4}
                    vc: {type: vmware, host: vc.example.com, password: hunter2}
                  use_hypervisor: sim1
                  prototypes:
                    small: {base_image: debian-12, vcpu: 2, memory: 4096}
                  tags: {owner: infra, env: lab}
                """,
                "lab/_folder.yaml",
                """
                definition:
                  prototypes:
                    small: {memory: 1536MiB}
                  use_prototype: small
                  tags: {env: null, team: web}
                """,
                "lab/web1.yaml",
                """
                definition:
                  vcpu: 4
                  power: off
                """,
                "lab/vc1.yaml",
                """
                definition:
                  use_hypervisor: vc
                """));
  }

  @Test
  void textShowsEveryValueWithItsOrigin() {
    CliRun run =
        CliRun.of(
            "--state", dir.resolve("state").toString(), "explain", root.toString(), "/lab/web1");

    assertEquals(0, run.exitCode(), run.all());
    assertEquals(
        """
        /lab/web1  provisioned, target deployed  # lab/web1.yaml:1
          use_hypervisor  = "sim1"  # _folder.yaml:5
          hypervisor_type = "sim"  # _folder.yaml:3
          host            = "sim-a"  # _folder.yaml:3
          password        = "${env:SIM_PASS}"  # _folder.yaml:3
          max_parallel    = 4  # _folder.yaml:3
          use_prototype   = "small"  # lab/_folder.yaml:4
          base_image      = "debian-12"  # _folder.yaml:7 via prototype small
          vcpu            = 4  # lab/web1.yaml:2
          memory          = "1536MiB"  # lab/_folder.yaml:3 via prototype small
          power           = "off"  # lab/web1.yaml:3
          tags
            owner         = "infra"  # _folder.yaml:8
            team          = "web"  # lab/_folder.yaml:5
        """,
        run.out());
  }

  @Test
  void jsonHasTheShapeOfTheSpec() {
    CliRun run =
        CliRun.of(
            "--state",
            dir.resolve("state").toString(),
            "explain",
            root.toString(),
            "/lab/web1",
            "--json");

    assertEquals(0, run.exitCode(), run.all());
    assertEquals(
        """
        {
          "full_name" : "/lab/web1",
          "status" : "provisioned",
          "target" : "deployed",
          "computed_definition" : {
            "use_hypervisor" : "sim1",
            "hypervisor_type" : "sim",
            "host" : "sim-a",
            "password" : "${env:SIM_PASS}",
            "max_parallel" : 4,
            "use_prototype" : "small",
            "base_image" : "debian-12",
            "vcpu" : 4,
            "memory" : "1536MiB",
            "power" : "off",
            "tags" : {
              "owner" : "infra",
              "team" : "web"
            }
          },
          "origins" : {
            "use_hypervisor" : "_folder.yaml:5",
            "hypervisor_type" : "_folder.yaml:3",
            "host" : "_folder.yaml:3",
            "password" : "_folder.yaml:3",
            "max_parallel" : "_folder.yaml:3",
            "use_prototype" : "lab/_folder.yaml:4",
            "base_image" : "_folder.yaml:7 via prototype small",
            "vcpu" : "lab/web1.yaml:2",
            "memory" : "lab/_folder.yaml:3 via prototype small",
            "power" : "lab/web1.yaml:3",
            "tags.owner" : "_folder.yaml:8",
            "tags.team" : "lab/_folder.yaml:5"
          }
        }
        """,
        run.out());
  }

  @Test
  void aLiteralPasswordIsNeverShown() {
    CliRun text =
        CliRun.of(
            "--state", dir.resolve("state").toString(), "explain", root.toString(), "/lab/vc1");
    CliRun json =
        CliRun.of(
            "--state",
            dir.resolve("state").toString(),
            "explain",
            root.toString(),
            "/lab/vc1",
            "--json");

    for (CliRun run : new CliRun[] {text, json}) {
      assertEquals(0, run.exitCode(), run.all());
      assertFalse(run.all().contains("hunter2"), run.all());
      assertTrue(run.out().contains("(sensitive)"), run.out());
    }
  }

  @Test
  void aFolderOrAnAbsentPathIsAClearError() {
    CliRun folder =
        CliRun.of("--state", dir.resolve("state").toString(), "explain", root.toString(), "/lab");
    CliRun absent =
        CliRun.of(
            "--state", dir.resolve("state").toString(), "explain", root.toString(), "/lab/web9");
    CliRun malformed =
        CliRun.of(
            "--state", dir.resolve("state").toString(), "explain", root.toString(), "lab/web1");

    String warning =
        "_folder.yaml:4:46: warning: hypervisor \"vc\" has a literal password; prefer"
            + " ${env:NAME} or ${file:PATH} (it is still never stored or shown)\n";
    assertEquals(1, folder.exitCode());
    assertEquals(warning + "error: /lab is a folder; explain takes a descriptor\n", folder.err());
    assertEquals(1, absent.exitCode());
    assertEquals(warning + "error: no descriptor /lab/web9 in " + root + "\n", absent.err());
    assertEquals(1, malformed.exitCode());
    assertEquals(
        "error: invalid PATH: path \"lab/web1\" must be absolute (start with /)\n",
        malformed.err());
  }
}
