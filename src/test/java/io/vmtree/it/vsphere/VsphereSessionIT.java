package io.vmtree.it.vsphere;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtree.connector.ConnectorException;
import io.vmtree.connector.DeleteResult;
import io.vmtree.connector.HypervisorConfig;
import io.vmtree.connector.HypervisorSession;
import io.vmtree.connector.LiveVm;
import io.vmtree.connector.PowerAction;
import io.vmtree.connector.VmSpec;
import io.vmtree.connector.vsphere.VsphereConnector;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The vSphere connector behind the engine's seam, against the simulator. */
class VsphereSessionIT {
  private static Vcsim vcsim;

  @BeforeAll
  static void start() throws Exception {
    vcsim = Vcsim.start(2, 4);
    try (VsphereAdmin admin = VsphereAdmin.connect(vcsim)) {
      admin.makeTemplate("DC0_C0_RP0_VM0", "tmpl");
    }
  }

  @AfterAll
  static void stop() {
    vcsim.close();
  }

  private static HypervisorConfig config(Map<String, Object> changes) {
    Map<String, Object> settings = new HashMap<>();
    settings.put("host", vcsim.hostPort());
    settings.put("user", Vcsim.USER);
    settings.put("password", "${env:VC_PASSWORD}");
    settings.put("thumbprint", vcsim.thumbprint());
    settings.put("datacenter", "DC0");
    settings.put("cluster", "DC0_C0");
    settings.put("vm_folder", "vmtree");
    changes.forEach(
        (k, v) -> {
          if (v == null) {
            settings.remove(k);
          } else {
            settings.put(k, v);
          }
        });
    return new HypervisorConfig(
        "vc1",
        "vmware",
        settings,
        text -> text.equals("${env:VC_PASSWORD}") ? Vcsim.PASSWORD : text,
        null);
  }

  private static HypervisorSession connect() {
    return new VsphereConnector().connect(config(Map.of()));
  }

  private static VmSpec spec(String name, List<String> folder, int vcpu, long memory, boolean on) {
    return new VmSpec(
        name,
        folder,
        "/" + String.join("/", folder) + (folder.isEmpty() ? "" : "/") + name,
        "tmpl",
        vcpu,
        memory,
        on,
        Map.of("env", "lab", "owner", "a b=c"),
        "made by a test");
  }

  @Test
  void listsEveryVmInThreeRoundTripsAndReportsUnmanagedOnes() {
    try (HypervisorSession session = connect()) {
      long before = session.calls();
      List<LiveVm> vms = session.list();
      assertEquals(
          3, session.calls() - before, "CreateContainerView, RetrievePropertiesEx, DestroyView");
      LiveVm vm1 =
          vms.stream().filter(v -> v.name().equals("DC0_C0_RP0_VM1")).findFirst().orElseThrow();
      assertFalse(vm1.isManaged());
      assertNull(vm1.marker());
      assertTrue(vms.stream().noneMatch(v -> v.name().equals("tmpl")), "templates are images");
    }
  }

  @Test
  void createsUpdatesMovesPowersAndDeletes() throws Exception {
    try (HypervisorSession session = connect()) {
      LiveVm made = session.create(spec("web1", List.of("lab", "web"), 2, 2048, true));
      assertEquals("web1", made.name());
      assertEquals(List.of("lab", "web"), made.folder());
      assertEquals(2, made.vcpu());
      assertEquals(2048, made.memoryMib());
      assertTrue(made.poweredOn());
      assertEquals("/lab/web/web1", made.marker());
      assertEquals(Map.of("env", "lab", "owner", "a b=c"), made.tags());
      assertEquals("made by a test", made.description());
      assertTrue(made.id().matches("[0-9a-f-]{36}"), made.id());

      LiveVm again = session.create(spec("web1", List.of("lab", "web"), 2, 2048, true));
      assertEquals(made.id(), again.id(), "a create whose marker is there returns that VM");

      LiveVm updated =
          session.update(made.id(), spec("web1", List.of("lab", "web"), 4, 4096, false));
      assertEquals(4, updated.vcpu());
      assertEquals(4096, updated.memoryMib());
      assertFalse(updated.poweredOn());

      assertTrue(session.power(made.id(), PowerAction.START).poweredOn());
      assertFalse(session.power(made.id(), PowerAction.STOP).poweredOn());

      LiveVm moved = session.move(made.id(), spec("web2", List.of("prod"), 4, 4096, false));
      assertEquals(made.id(), moved.id());
      assertEquals("web2", moved.name());
      assertEquals(List.of("prod"), moved.folder());
      assertEquals("/prod/web2", moved.marker());
      try (VsphereAdmin admin = VsphereAdmin.connect(vcsim)) {
        List<String> folders = admin.folders();
        assertTrue(folders.contains("prod") && folders.contains("vmtree"), folders.toString());
        assertFalse(folders.contains("web") || folders.contains("lab"), "emptied: " + folders);
      }

      assertEquals(made.id(), session.find("DC0/vm/vmtree/prod/web2").orElseThrow().id());
      assertEquals("web2", session.find(made.id()).orElseThrow().name());

      DeleteResult deleted = session.delete(made.id(), true);
      assertTrue(deleted.existed());
      assertFalse(deleted.keptDisks().isEmpty(), "the detached disks are named");
      assertTrue(deleted.keptDisks().get(0).contains(".vmdk"), deleted.keptDisks().toString());
      assertFalse(session.delete(made.id(), false).existed());
      assertTrue(session.find(made.id()).isEmpty());
      assertThrows(
          ConnectorException.class,
          () -> session.update(made.id(), spec("web2", List.of(), 1, 1, true)));
    }
  }

  @Test
  void aSessionTheVcenterEndedIsLoggedInAgain() throws Exception {
    try (HypervisorSession session = connect()) {
      int before = session.list().size();
      try (VsphereAdmin admin = VsphereAdmin.connect(vcsim)) {
        admin.terminateOtherSessions();
      }
      long calls = session.calls();
      assertEquals(before, session.list().size());
      // the refused list, a new login (3) and the list again (3)
      assertEquals(7, session.calls() - calls);
    }
  }

  @Test
  void aVmRemovedBehindTheSessionsBackIsNotFoundNotAnError() throws Exception {
    try (HypervisorSession session = connect()) {
      LiveVm made = session.create(spec("gone1", List.of(), 1, 512, false));
      try (VsphereAdmin admin = VsphereAdmin.connect(vcsim)) {
        admin.destroy("gone1");
      }
      ConnectorException e =
          assertThrows(
              ConnectorException.class,
              () -> session.power(made.id(), PowerAction.START)); // its cached reference is stale
      assertEquals(ConnectorException.Kind.NOT_FOUND, e.kind());
      assertFalse(session.delete(made.id(), false).existed());
    }
  }

  @Test
  void aWrongPasswordIsRejectedWithAClearMessage() {
    HypervisorConfig config = config(Map.of("password", "wrong"));
    ConnectorException e =
        assertThrows(ConnectorException.class, () -> new VsphereConnector().connect(config));
    assertEquals(ConnectorException.Kind.REJECTED, e.kind());
    assertTrue(e.getMessage().contains("login refused"), e.getMessage());
    assertFalse(e.getMessage().contains("wrong"), e.getMessage());
  }

  @Test
  void theCertificateIsVerifiedUnlessPinnedOrInsecureAndTheJvmDefaultsStayUntouched() {
    HostnameVerifier verifier = HttpsURLConnection.getDefaultHostnameVerifier();
    SSLSocketFactory sockets = HttpsURLConnection.getDefaultSSLSocketFactory();

    ConnectorException e =
        assertThrows(
            ConnectorException.class,
            () -> new VsphereConnector().connect(config(mapOf("thumbprint", null))));
    assertEquals(ConnectorException.Kind.REJECTED, e.kind());
    assertTrue(e.getMessage().contains("not trusted"), e.getMessage());

    ConnectorException wrongPin =
        assertThrows(
            ConnectorException.class,
            () ->
                new VsphereConnector()
                    .connect(
                        config(
                            Map.of(
                                "thumbprint",
                                "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33"))));
    assertTrue(wrongPin.getMessage().contains("thumbprint"), wrongPin.getMessage());

    try (HypervisorSession session =
        new VsphereConnector().connect(config(mapOf("thumbprint", null, "insecure", true)))) {
      assertFalse(session.list().isEmpty());
    }
    assertSame(verifier, HttpsURLConnection.getDefaultHostnameVerifier());
    assertSame(sockets, HttpsURLConnection.getDefaultSSLSocketFactory());
  }

  private static Map<String, Object> mapOf(Object... pairs) {
    Map<String, Object> map = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put((String) pairs[i], pairs[i + 1]);
    }
    return map;
  }
}
