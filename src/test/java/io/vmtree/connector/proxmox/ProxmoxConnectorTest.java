package io.vmtree.connector.proxmox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtree.connector.ConnectorException;
import io.vmtree.connector.ConnectorException.Kind;
import io.vmtree.connector.DeleteResult;
import io.vmtree.connector.HypervisorConfig;
import io.vmtree.connector.HypervisorSession;
import io.vmtree.connector.LiveVm;
import io.vmtree.connector.PowerAction;
import io.vmtree.connector.VmSpec;
import io.vmtree.connector.proxmox.fake.FakePve;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The connector against the fake PVE API server, call by call. */
class ProxmoxConnectorTest {
  private final String secret = "tok-" + UUID.randomUUID();
  private final FakePve pve =
      FakePve.start()
          .pool("lab")
          .template(9000, "pve1", "debian-12", "local-lvm")
          .template(9001, "pve1", "alma-9", "local-lvm")
          .token("vmtree@pve!apply", secret, FakePve.VMTREE_ROLE)
          .user("vmtree@pve", "pw-" + secret, FakePve.VMTREE_ROLE);
  private final ByteArrayOutputStream warnings = new ByteArrayOutputStream();
  private final Map<String, String> environment = new HashMap<>();
  private final ProxmoxConnector connector =
      new ProxmoxConnector(
          new PveClient.Retries(4, Duration.ofMillis(20)),
          Duration.ofMillis(5),
          new PrintStream(warnings, true, StandardCharsets.UTF_8),
          environment::get);

  @AfterEach
  void stop() {
    pve.close();
  }

  private HypervisorConfig config(Map<String, Object> overrides) {
    return config(overrides, null);
  }

  private HypervisorConfig config(Map<String, Object> overrides, Path stateDir) {
    Map<String, Object> settings = new HashMap<>();
    settings.put("host", pve.host());
    settings.put("node", "pve1");
    settings.put("storage", "local-lvm");
    settings.put("token_id", "vmtree@pve!apply");
    settings.put("token_secret", "${env:PVE_TOKEN}");
    settings.put("fingerprint", pve.fingerprint());
    settings.put("vmid_range", "10000-10999");
    settings.putAll(overrides);
    settings.values().removeIf(v -> v == null || "".equals(v));
    UnaryOperator<String> secrets =
        text ->
            text.equals("${env:PVE_TOKEN}")
                ? secret
                : text.equals("${env:PVE_PASSWORD}") ? "pw-" + secret : text;
    return new HypervisorConfig("pve", "proxmox", settings, secrets, stateDir);
  }

  private static VmSpec spec(String path, String image, int vcpu, long mib, boolean on) {
    List<String> segments = List.of(path.substring(1).split("/"));
    return new VmSpec(
        segments.get(segments.size() - 1),
        segments.subList(0, segments.size() - 1),
        path,
        image,
        vcpu,
        mib,
        on,
        Map.of("env", "lab", "tier", ""),
        "a web server");
  }

  @Test
  void createClonesConfiguresAndStartsAndListReadsItBack() {
    try (HypervisorSession session = connector.connect(config(Map.of()))) {
      LiveVm vm = session.create(spec("/lab/web/web1", "debian-12", 4, 4096, true));

      assertEquals("pve1/10000", vm.id());
      assertEquals("web1", vm.name());
      assertEquals(4, vm.vcpu());
      assertEquals(4096, vm.memoryMib());
      assertTrue(vm.poweredOn());
      assertEquals("/lab/web/web1", vm.marker());
      assertEquals(List.of("lab", "web"), vm.folder());
      assertEquals(Map.of("env", "lab", "tier", ""), vm.tags());
      assertEquals("a web server", vm.description());
      Map<String, String> onPve = pve.vms().get(10000);
      assertEquals("vmtree+lab+web;env+lab;tier", onPve.get("tags"));
      assertTrue(onPve.get("description").contains("vmtree-marker: /lab/web/web1"));
      assertEquals("local-lvm:vm-10000-disk-0,size=8G", onPve.get("scsi0"));

      List<LiveVm> listed = session.list();
      assertEquals(List.of(vm), listed);
    }
  }

  @Test
  void aSecondRefreshOfAnUnchangedClusterIsOneCallAndAChangeIsReadAgain() {
    try (HypervisorSession session = connector.connect(config(Map.of()))) {
      session.create(spec("/a", "debian-12", 1, 1024, false));
      session.create(spec("/b", "debian-12", 1, 1024, false));
      session.list();
      long before = session.calls();
      session.list();
      assertEquals(1, session.calls() - before, "nothing changed: one bulk call");

      pve.edit(10001, "cores", "3");
      before = session.calls();
      List<LiveVm> vms = session.list();
      assertEquals(2, session.calls() - before, "the bulk call and the changed VM's config");
      assertEquals(
          3, vms.stream().filter(v -> v.id().equals("pve1/10001")).findFirst().get().vcpu());
    }
  }

  @Test
  void ticketLoginRenewsAnExpiredTicket() throws InterruptedException {
    pve.ticketLifetime(Duration.ofMillis(1500));
    Map<String, Object> password = new HashMap<>();
    password.put("token_id", null);
    password.put("token_secret", null);
    password.put("user", "vmtree@pve");
    password.put("password", "${env:PVE_PASSWORD}");
    try (HypervisorSession session = connector.connect(config(password))) {
      session.create(spec("/t1", "debian-12", 1, 512, true));
      Thread.sleep(1600);
      assertEquals(1, session.list().size());
      assertTrue(pve.requestsByEndpoint().get("POST /access/ticket") >= 2, "logged in again");
    }
  }

  @Test
  void aRefusedTokenIsUnreachableAtTheFirstCallAndAWrongPasswordAtConnect() {
    try (HypervisorSession session = connector.connect(config(Map.of("token_secret", "wrong")))) {
      assertEquals(0, session.calls(), "a token session sends nothing before the refresh");
      ConnectorException e = assertThrows(ConnectorException.class, session::list);
      assertEquals(Kind.UNREACHABLE, e.kind());
      assertTrue(e.getMessage().contains("authentication failed"), e.getMessage());
      assertFalse(e.getMessage().contains("wrong"));
    }
    Map<String, Object> password = new HashMap<>();
    password.put("token_id", null);
    password.put("token_secret", null);
    password.put("user", "vmtree@pve");
    password.put("password", "wrong");
    ConnectorException e =
        assertThrows(ConnectorException.class, () -> connector.connect(config(password)));
    assertEquals(Kind.UNREACHABLE, e.kind());
    assertTrue(e.getMessage().contains("authentication failed"), e.getMessage());
  }

  @Test
  void anUntrustedCertificateIsRefusedNamingItsFingerprint() {
    ConnectorException e =
        assertThrows(
            ConnectorException.class,
            () -> connector.connect(config(Map.of("fingerprint", ""))).list());
    assertEquals(Kind.UNREACHABLE, e.kind());
    assertTrue(e.getMessage().contains(pve.fingerprint()), e.getMessage());

    // another fingerprint: its first digit changed (a replacement by "00" was none 1 time in 256)
    String fingerprint = pve.fingerprint();
    String other = (fingerprint.charAt(0) == '0' ? "1" : "0") + fingerprint.substring(1);
    ConnectorException pinned =
        assertThrows(
            ConnectorException.class,
            () -> connector.connect(config(Map.of("fingerprint", other))).list());
    assertEquals(Kind.UNREACHABLE, pinned.kind());

    Map<String, Object> insecure = new HashMap<>();
    insecure.put("fingerprint", null);
    insecure.put("insecure", true);
    try (HypervisorSession session = connector.connect(config(insecure))) {
      assertEquals(List.of(), session.list());
    }
    assertTrue(warnings.toString(StandardCharsets.UTF_8).contains("insecure: true"));
  }

  @Test
  void aMissingPrivilegeIsRejectedNamingIt() {
    Set<String> noClone = new HashSet<>(FakePve.VMTREE_ROLE);
    noClone.remove("VM.Clone");
    pve.token("vmtree@pve!weak", secret, noClone);
    try (HypervisorSession session =
        connector.connect(config(Map.of("token_id", "vmtree@pve!weak")))) {
      ConnectorException e =
          assertThrows(
              ConnectorException.class,
              () -> session.create(spec("/x", "debian-12", 1, 512, true)));
      assertEquals(Kind.REJECTED, e.kind());
      assertTrue(
          e.getMessage().contains("Permission check failed (/vms/9000, VM.Clone)"), e.getMessage());
      assertTrue(e.getMessage().contains("lacks the privilege VM.Clone"), e.getMessage());
    }
  }

  @Test
  void aFailedTaskIsAnErrorWithTheLastLinesOfItsLog() {
    pve.failNextTask("qmstart", "start failed: QEMU exited with code 1");
    try (HypervisorSession session = connector.connect(config(Map.of()))) {
      ConnectorException e =
          assertThrows(
              ConnectorException.class,
              () -> session.create(spec("/f", "debian-12", 1, 512, true)));
      assertEquals(Kind.REJECTED, e.kind());
      assertTrue(e.getMessage().contains("start of VM pve1/10000 failed"), e.getMessage());
      assertTrue(
          e.getMessage().contains("TASK ERROR: start failed: QEMU exited with code 1"),
          e.getMessage());
    }
  }

  @Test
  void anUnknownTemplateIsRejected() {
    try (HypervisorSession session = connector.connect(config(Map.of()))) {
      ConnectorException e =
          assertThrows(
              ConnectorException.class,
              () -> session.create(spec("/f", "windows-xp", 1, 512, true)));
      assertEquals(Kind.REJECTED, e.kind());
      assertTrue(e.getMessage().contains("template \"windows-xp\""), e.getMessage());
      assertEquals(Map.of(), pve.vms());
    }
  }

  @Test
  void idsTakenBehindVmtreesBackAreSkippedNextidReservesNothing() {
    pve.foreignVm(10000, "pve1", "someone-elses");
    try (HypervisorSession session = connector.connect(config(Map.of()))) {
      session.list();
      pve.foreignVm(10001, "pve1", "created-after-the-listing");
      LiveVm vm = session.create(spec("/n", "debian-12", 1, 512, false));
      assertEquals("pve1/10002", vm.id());
    }
  }

  @Test
  void parallelClonesNeverShareAnIdAndLockTimeoutsAreRetried() throws Exception {
    pve.exclusiveTemplateLock(true).cloneMillis(200).lockTimeoutMillis(20);
    Map<String, Object> wide = Map.of("clones_per_template", 6, "clones_per_storage", 6);
    try (HypervisorSession session = connector.connect(config(wide))) {
      session.list();
      ExecutorService pool = Executors.newFixedThreadPool(12);
      List<Future<LiveVm>> made = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        String image = i % 2 == 0 ? "debian-12" : "alma-9";
        int n = i;
        made.add(
            pool.submit(
                () -> retried(() -> session.create(spec("/p/vm" + n, image, 1, 512, false)))));
      }
      Set<String> ids = new HashSet<>();
      for (Future<LiveVm> f : made) {
        ids.add(f.get().id());
      }
      pool.shutdown();
      assertEquals(24, ids.size(), "no two VMs share an id");
      assertEquals(24, pve.vms().size());
      assertTrue(
          pve.lockTimeouts() > 0,
          () ->
              "the fake made clones time out on its locks; at most "
                  + pve.maxConcurrentClones("storage:local-lvm")
                  + " at once on the storage");
      assertTrue(pve.maxConcurrentClones("template:9000") <= 6);
    }
  }

  /** The engine's retry of retryable kinds, as apply does it. */
  private static LiveVm retried(java.util.function.Supplier<LiveVm> call) {
    for (int attempt = 1; ; attempt++) {
      try {
        return call.get();
      } catch (ConnectorException e) {
        if (!e.retryable() || attempt >= 5) {
          throw e;
        }
      }
    }
  }

  @Test
  void clonesPerTemplateDefaultsToOne() throws Exception {
    pve.cloneMillis(30);
    try (HypervisorSession session = connector.connect(config(Map.of()))) {
      session.list();
      ExecutorService pool = Executors.newFixedThreadPool(6);
      List<Future<LiveVm>> made = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        int n = i;
        made.add(pool.submit(() -> session.create(spec("/q/vm" + n, "debian-12", 1, 512, false))));
      }
      for (Future<LiveVm> f : made) {
        assertNotNull(f.get());
      }
      pool.shutdown();
      assertEquals(1, pve.maxConcurrentClones("template:9000"));
    }
  }

  @Test
  void updateMovePowerAndDelete() {
    try (HypervisorSession session = connector.connect(config(Map.of("pool", "lab")))) {
      LiveVm vm = session.create(spec("/lab/u1", "debian-12", 1, 1024, true));
      assertEquals("lab", pve.vms().get(10000).get("pool"));
      session.power(vm.id(), PowerAction.STOP);
      LiveVm updated = session.update(vm.id(), spec("/lab/u1", "debian-12", 2, 2048, true));
      assertEquals(2, updated.vcpu());
      assertEquals(2048, updated.memoryMib());
      assertTrue(updated.poweredOn());
      LiveVm moved = session.move(vm.id(), spec("/prod/u2", "debian-12", 2, 2048, true));
      assertEquals("u2", moved.name());
      assertEquals("/prod/u2", moved.marker());
      assertEquals(List.of("prod"), moved.folder());

      DeleteResult deleted = session.delete(vm.id(), false);
      assertTrue(deleted.existed());
      assertEquals(Map.of(), pve.vms());
      assertFalse(pve.volumes("local-lvm").contains("local-lvm:vm-10000-disk-0"));
      assertFalse(session.delete(vm.id(), false).existed(), "a second delete finds nothing");
    }
  }

  @Test
  void keepDisksHandsTheDisksToAHolderVmBeforeTheDelete() {
    try (HypervisorSession session = connector.connect(config(Map.of()))) {
      LiveVm vm = session.create(spec("/k", "debian-12", 1, 512, true));
      DeleteResult deleted = session.delete(vm.id(), true);
      assertEquals(List.of("local-lvm:vm-10001-disk-0"), deleted.keptDisks());
      assertTrue(pve.volumes("local-lvm").contains("local-lvm:vm-10001-disk-0"));
      Map<Integer, Map<String, String>> left = pve.vms();
      assertEquals(Set.of(10001), left.keySet());
      assertEquals("vmtree-kept-disks", left.get(10001).get("tags"));
    }
  }

  @Test
  void anOfflineNodeIsUnreachable() {
    try (HypervisorSession session = connector.connect(config(Map.of()))) {
      LiveVm vm = session.create(spec("/o", "debian-12", 1, 512, true));
      pve.offline("pve1", true);
      ConnectorException listing = assertThrows(ConnectorException.class, session::list);
      assertEquals(Kind.UNREACHABLE, listing.kind());
      assertTrue(listing.getMessage().contains("node pve1 is offline"), listing.getMessage());
      ConnectorException power =
          assertThrows(ConnectorException.class, () -> session.power(vm.id(), PowerAction.STOP));
      assertEquals(Kind.UNREACHABLE, power.kind());
    }
  }

  @Test
  void aTagPveCannotHoldIsRejectedBeforeAnythingHappens() {
    try (HypervisorSession session = connector.connect(config(Map.of()))) {
      VmSpec bad =
          new VmSpec(
              "b", List.of(), "/b", "debian-12", 1, 512, true, Map.of("team", "db ops"), null);
      ConnectorException e = assertThrows(ConnectorException.class, () -> session.create(bad));
      assertEquals(Kind.REJECTED, e.kind());
      assertTrue(e.getMessage().contains("tag team"), e.getMessage());
      assertEquals(Map.of(), pve.vms());
    }
  }

  @Test
  void createOfAMarkerAlreadyOnAVmReturnsThatVm() {
    try (HypervisorSession session = connector.connect(config(Map.of()))) {
      LiveVm first = session.create(spec("/same", "debian-12", 1, 512, false));
      LiveVm again = session.create(spec("/same", "debian-12", 1, 512, false));
      assertEquals(first.id(), again.id());
      assertEquals(1, pve.vms().size());
    }
  }
}
