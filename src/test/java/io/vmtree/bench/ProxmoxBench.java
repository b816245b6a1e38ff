package io.vmtree.bench;

import io.vmtree.cli.CliRun;
import io.vmtree.connector.HypervisorConfig;
import io.vmtree.connector.HypervisorSession;
import io.vmtree.connector.proxmox.ProxmoxConnector;
import io.vmtree.connector.proxmox.fake.FakePve;
import io.vmtree.engine.EngineScenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * bench/proxmox.sh: (1) refresh of N VMs on one cluster, twice in one process, then by {@code
 * vmtree plan} in new processes: the hypervisor calls of each (target: 1 when nothing changed, in a
 * new process once the cache in the state directory is warm); (2) apply of 50 new VMs through the
 * CLI against the PVE test server with realistic task times: wall time against the serial sum of
 * the task times.
 */
public final class ProxmoxBench {
  private ProxmoxBench() {}

  public static void main(String[] args) throws Exception {
    int vms = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int deploys = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    refresh(vms);
    deploy(deploys);
    System.exit(0);
  }

  private static void refresh(int count) throws Exception {
    try (FakePve pve = FakePve.start()) {
      pve.token("vmtree@pve!bench", "s3cret", FakePve.VMTREE_ROLE);
      for (int i = 0; i < count; i++) {
        pve.foreignVm(20_000 + i, "pve1", "vm" + i);
      }
      Map<String, Object> settings = new HashMap<>();
      settings.put("host", pve.host());
      settings.put("node", "pve1");
      settings.put("token_id", "vmtree@pve!bench");
      settings.put("token_secret", "s3cret");
      settings.put("fingerprint", pve.fingerprint());
      HypervisorConfig config =
          new HypervisorConfig("pve", "proxmox", settings, text -> text, null);
      try (HypervisorSession session = new ProxmoxConnector().connect(config)) {
        long connect = session.calls();
        long t0 = System.nanoTime();
        int seen = session.list().size();
        long first = session.calls() - connect;
        long t1 = System.nanoTime();
        session.list();
        long second = session.calls() - connect - first;
        long t2 = System.nanoTime();
        pve.edit(20_007, "cores", "4");
        session.list();
        long third = session.calls() - connect - first - second;
        System.out.printf(
            "refresh of %d VMs in one process: first %d calls (%.2f s), second, nothing changed:"
                + " %d call(s) (%.3f s), after one VM changed: %d calls; connect: %d call(s)%n",
            seen, first, (t1 - t0) / 1e9, second, (t2 - t1) / 1e9, third, connect);
      }
      freshProcesses(pve, count);
    }
  }

  /**
   * {@code vmtree plan} in new processes (the ./vmtree launcher, as a user runs it) against the
   * same cluster: the first fills the cache in the state directory, the next ones find it warm.
   */
  private static void freshProcesses(FakePve pve, int count) throws Exception {
    Path dir = Files.createTempDirectory("proxmox-bench-refresh");
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Path state = Files.createDirectories(dir.resolve("state"));
    pve.template(9000, "pve1", "debian-12", "local-lvm");
    Files.writeString(
        tree.resolve("_folder.yaml"),
        "definition:\n"
            + "  hypervisors:\n"
            + "    pve: {type: proxmox, host: \""
            + pve.host()
            + "\", node: pve1, token_id: \"vmtree@pve!bench\", token_secret: \"${env:PVE_TOKEN}\","
            + " fingerprint: \""
            + pve.fingerprint()
            + "\"}\n"
            + "  use_hypervisor: pve\n"
            + "  base_image: debian-12\n"
            + "  vcpu: 1\n"
            + "  memory: 1GiB\n");
    Files.writeString(tree.resolve("web1.yaml"), "definition: {}\n");
    String cold = plan(tree, state, Map.of());
    String warm = plan(tree, state, Map.of());
    pve.edit(20_011, "memory", "1024");
    String oneChanged = plan(tree, state, Map.of());
    String forced = plan(tree, state, Map.of("VMTREE_PROXMOX_FULL_REFRESH", "1"));
    long size = Files.size(state.resolve("cache/proxmox/pve.json"));
    System.out.printf(
        "refresh of %d VMs by vmtree plan, each a new process: cache cold: %s; cache warm: %s;"
            + " after one VM changed: %s; VMTREE_PROXMOX_FULL_REFRESH=1: %s; cache file %d KiB%n",
        count, cold, warm, oneChanged, forced, size / 1024);
  }

  private static final java.util.regex.Pattern REFRESHED =
      java.util.regex.Pattern.compile(
          "Refreshed 1 hypervisor\\(s\\) with (\\d+) call\\(s\\); planned in ([\\d.]+) s");

  /** {@return "N call(s) (plan T s, process W s)" of one {@code ./vmtree plan} process} */
  private static String plan(Path tree, Path state, Map<String, String> env) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder("./vmtree", "--state", state.toString(), "plan", tree.toString());
    builder.environment().put("PVE_TOKEN", "s3cret");
    builder.environment().putAll(env);
    builder.redirectErrorStream(true);
    long t0 = System.nanoTime();
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes());
    int code = process.waitFor();
    double wall = (System.nanoTime() - t0) / 1e9;
    java.util.regex.Matcher m = REFRESHED.matcher(output);
    if (code != 0 || !m.find()) {
      throw new IllegalStateException("vmtree plan failed (exit " + code + "):\n" + output);
    }
    return String.format(
        "%s call(s) (refresh and plan %s s, process %.1f s)", m.group(1), m.group(2), wall);
  }

  private static void deploy(int count) throws Exception {
    try (FakePve pve = FakePve.start()) {
      // a clone of a small template on local LVM-thin takes seconds; config and start are quick
      pve.cloneMillis(2_000).taskMillis(200).lockTimeoutMillis(10_000);
      pve.token("vmtree@pve!bench", "s3cret", FakePve.VMTREE_ROLE);
      for (int t = 0; t < 5; t++) {
        pve.template(9000 + t, "pve1", "tpl" + t, "local-lvm");
      }
      Path dir = Files.createTempDirectory("proxmox-bench");
      EngineScenario s = new EngineScenario(dir);
      s.write(
          "_folder.yaml",
          "definition:\n"
              + "  hypervisors:\n"
              + "    pve: {type: proxmox, host: \""
              + pve.host()
              + "\", node: pve1, storage: local-lvm, token_id: \"vmtree@pve!bench\","
              + " token_secret: \"${env:PVE_TOKEN}\", fingerprint: \""
              + pve.fingerprint()
              + "\", max_parallel: 50, clones_per_template: 2, clones_per_storage: 10}\n"
              + "  use_hypervisor: pve\n"
              + "  vcpu: 2\n"
              + "  memory: 2GiB\n");
      for (int i = 0; i < count; i++) {
        s.write("fleet/vm" + i + ".yaml", "definition: {base_image: tpl" + (i % 5) + "}\n");
      }
      long t0 = System.nanoTime();
      CliRun run =
          s.vmtree(
              Map.of("PVE_TOKEN", "s3cret"),
              "apply",
              "TREE",
              "--auto-approve",
              "--parallelism",
              "50");
      double wall = (System.nanoTime() - t0) / 1e9;
      if (run.exitCode() != 0) {
        System.out.println(run.all());
        throw new IllegalStateException("apply failed");
      }
      double serial = pve.taskMillisTotal() / 1e3;
      System.out.printf(
          "deploy of %d VMs (5 templates, clones_per_template 2, clone task 2 s, other tasks"
              + " 0.2 s): wall %.1f s; serial sum of the %s task times (lock waits left out)"
              + " %.1f s; speed-up %.1fx;"
              + " %d API requests; %d lock timeouts%n",
          pve.vms().size(), wall, "PVE", serial, serial / wall, pve.requests(), pve.lockTimeouts());
    }
  }
}
