package io.vmtree.it.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtree.cli.CliRun;
import io.vmtree.engine.EngineScenario;
import io.vmtree.it.engine.VmtreeProcess.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §2 and §11 secrets: {@code ${env:...}} and {@code ${file:...}} references and literal
 * passwords are never written to state, plan files or output; a reference that cannot be resolved
 * is a clear error naming the hypervisor and the reference.
 */
class SecretsIT {
  @TempDir Path dir;

  private final String envSecret = "env-" + UUID.randomUUID();
  private final String fileSecret = "file-" + UUID.randomUUID();
  private final String literal = "hunter2-" + UUID.randomUUID();
  private final List<Result> outputs = new ArrayList<>();

  private EngineScenario tree() {
    return new EngineScenario(dir)
        .write(
            "_folder.yaml",
            "definition:\n"
                + "  hypervisors:\n"
                + "    sim1: {type: sim, host: h1, user: admin, password: \"${env:SIM_SECRET}\"}\n"
                + "    sim2: {type: sim, host: h2, user: admin, password: \"${file:sim2.secret}\"}\n"
                + "    sim3: {type: sim, host: h3, user: admin, password: "
                + literal
                + "}\n"
                + "  use_hypervisor: sim1\n"
                + "  prototypes:\n"
                + "    small: {base_image: debian-12, vcpu: 2, memory: 2GiB}\n"
                + "  use_prototype: small\n",
            "sim2.secret",
            fileSecret + "\n",
            "app/web1.yaml",
            "definition: {}\n",
            "app/web2.yaml",
            "definition: {use_hypervisor: sim2}\n",
            "app/web3.yaml",
            "definition: {use_hypervisor: sim3}\n");
  }

  private Result vmtree(EngineScenario s, Map<String, String> env, String... args) {
    List<String> all = new ArrayList<>(List.of("--state", s.state().toString()));
    for (String arg : args) {
      all.add(arg.equals("TREE") ? s.tree().toString() : arg);
    }
    Result result = VmtreeProcess.run(dir.resolve("out"), env, all.toArray(String[]::new));
    outputs.add(result);
    return result;
  }

  /** {@return the output of {@code vmtree ARGS...} run in this JVM with {@code env}} */
  private CliRun inProcess(EngineScenario s, Map<String, String> env, String... args) {
    CliRun run = s.vmtree(env, args);
    outputs.add(new Result(run.exitCode(), run.out(), run.err()));
    return run;
  }

  @Test
  void noSecretEverReachesStatePlanFilesOrOutput() throws IOException {
    EngineScenario s = tree();
    Map<String, String> env = Map.of("SIM_SECRET", envSecret);
    Path planFile = dir.resolve("plan.json");

    CliRun validate = inProcess(s, env, "validate", "TREE");
    assertEquals(0, validate.exitCode(), validate::all);
    assertTrue(validate.all().contains("password"), () -> "a literal warns: " + validate.all());
    Result first = vmtree(s, env, "apply", "TREE", "--auto-approve", "--target", "/app/web1");
    assertEquals(0, first.exitCode(), first::toString);
    Result plan = vmtree(s, env, "plan", "TREE", "--out", planFile.toString());
    assertEquals(0, plan.exitCode(), plan::toString);
    Result apply = vmtree(s, env, "apply", planFile.toString());
    assertEquals(0, apply.exitCode(), apply::toString);
    s.write("app/web1.yaml", "definition: {vcpu: 3}\n");
    s.write("app/web3.yaml", "definition: {use_hypervisor: sim3, vcpu: 3}\n");
    assertEquals(0, inProcess(s, env, "plan", "TREE", "--json").exitCode());
    Result json = vmtree(s, env, "apply", "TREE", "--auto-approve", "--json");
    assertEquals(0, json.exitCode(), json::toString);
    s.write("app/web2.yaml", "definition: {use_hypervisor: sim2, vcpu: 3}\n");
    assertEquals(0, inProcess(s, env, "apply", "TREE", "--auto-approve").exitCode());
    assertEquals(0, inProcess(s, env, "ops", "list").exitCode());
    assertEquals(0, inProcess(s, env, "ops", "list", "--json").exitCode());
    for (int id = 1; id <= 3; id++) {
      assertEquals(0, inProcess(s, env, "ops", "show", "" + id).exitCode());
    }
    for (String sim : List.of("sim1", "sim2", "sim3")) {
      assertEquals(0, inProcess(s, env, "sim", "ls", sim, "--json").exitCode());
      assertEquals(0, inProcess(s, env, "sim", "ls", sim).exitCode());
    }
    CliRun explain = inProcess(s, env, "explain", "TREE", "/app/web1", "--json");
    assertTrue(
        explain.out().contains("${env:SIM_SECRET}"), () -> "the reference: " + explain.out());
    CliRun explain2 = inProcess(s, env, "explain", "TREE", "/app/web2");
    assertTrue(explain2.out().contains("${file:sim2.secret}"), explain2::out);
    CliRun explain3 = inProcess(s, env, "explain", "TREE", "/app/web3", "--json");
    assertTrue(explain3.out().contains("(sensitive)"), () -> "masked: " + explain3.out());
    assertEquals(0, inProcess(s, env, "tree", "TREE").exitCode());
    assertEquals(0, inProcess(s, env, "plan", "TREE", "--detailed-exitcode").exitCode());
    assertEquals(3, s.vms("sim1").size() + s.vms("sim2").size() + s.vms("sim3").size());

    for (String secret : List.of(envSecret, fileSecret, literal)) {
      for (Result output : outputs) {
        assertFalse(output.all().contains(secret), () -> "a secret in the output: " + output);
      }
      for (Path file : filesUnder(s.state(), planFile)) {
        String content = Files.readString(file, StandardCharsets.ISO_8859_1);
        assertFalse(content.contains(secret), () -> "a secret in " + file);
      }
    }
  }

  @Test
  void anUnresolvableReferenceIsAClearErrorNamingTheHypervisorAndTheReference() {
    EngineScenario s = tree();
    Map<String, String> noVariable = new HashMap<>();
    noVariable.put("SIM_SECRET", null);

    Result apply =
        vmtree(s, noVariable, "apply", "TREE", "--auto-approve", "--target", "/app/web1");

    assertEquals(1, apply.exitCode(), apply::toString);
    assertTrue(apply.err().contains("sim1"), apply::toString);
    assertTrue(apply.err().contains("${env:SIM_SECRET}"), apply::toString);
    assertEquals(List.of(), s.vms("sim1"), "nothing deployed without the credentials");

    s.delete("sim2.secret");
    Result noFile =
        vmtree(
            s,
            Map.of("SIM_SECRET", envSecret),
            "apply",
            "TREE",
            "--auto-approve",
            "--target",
            "/app/web2");
    assertEquals(1, noFile.exitCode(), noFile::toString);
    assertTrue(noFile.err().contains("sim2"), noFile::toString);
    assertTrue(noFile.err().contains("${file:sim2.secret}"), noFile::toString);
  }

  private static List<Path> filesUnder(Path dir, Path extra) throws IOException {
    List<Path> files = new ArrayList<>(List.of(extra));
    try (Stream<Path> all = Files.walk(dir)) {
      all.filter(Files::isRegularFile).forEach(files::add);
    }
    assertTrue(files.size() > 5, () -> "state files: " + files);
    return files;
  }
}
