package io.vmtree.connector.vsphere;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtree.connector.ConnectorException;
import io.vmtree.connector.HypervisorConfig;
import io.vmtree.connector.vsphere.soap.Tls;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VsphereSettingsTest {
  private static VsphereSettings of(Object... pairs) {
    Map<String, Object> settings = new HashMap<>();
    settings.put("host", "vc.example.com");
    settings.put("user", "svc");
    settings.put("password", "${env:PW}");
    for (int i = 0; i < pairs.length; i += 2) {
      settings.put((String) pairs[i], pairs[i + 1]);
    }
    return VsphereSettings.of(
        new HypervisorConfig(
            "vc1", "vmware", settings, t -> t.equals("${env:PW}") ? "the-secret" : t, null));
  }

  @Test
  void readsTheEntryAndResolvesTheSecret() {
    VsphereSettings s = of("vm_folder", "/vmtree/lab/", "cluster", "c1");
    assertEquals("https://vc.example.com/sdk", s.url());
    assertEquals("the-secret", s.password());
    assertEquals(List.of("vmtree", "lab"), s.vmFolder());
    assertEquals(Tls.Mode.VERIFIED, s.tls().mode());
    assertFalse(s.toString().contains("the-secret"));
  }

  @Test
  void hostMayBeAHostPortOrAUrl() {
    assertEquals("https://127.0.0.1:8989/sdk", of("host", "127.0.0.1:8989").url());
    assertEquals("https://vc:443/sdk", of("host", "https://vc:443").url());
    assertEquals("https://vc/custom/sdk", of("host", "https://vc/custom/sdk").url());
    assertThrows(ConnectorException.class, () -> of("host", "http://vc/sdk"));
  }

  @Test
  void tlsIsVerifiedPinnedOrInsecureButNotBoth() {
    assertEquals(Tls.Mode.INSECURE, of("insecure", true).tls().mode());
    assertEquals(Tls.Mode.PINNED, of("thumbprint", "00".repeat(20)).tls().mode());
    ConnectorException both =
        assertThrows(
            ConnectorException.class, () -> of("insecure", true, "thumbprint", "00".repeat(20)));
    assertTrue(both.getMessage().contains("not both"), both.getMessage());
    ConnectorException bad = assertThrows(ConnectorException.class, () -> of("thumbprint", "xyz"));
    assertTrue(bad.getMessage().startsWith("vc1: thumbprint must be"), bad.getMessage());
  }

  @Test
  void missingFieldsAndClashingPlacementsAreRejected() {
    Map<String, Object> settings = new HashMap<>(Map.of("host", "vc", "user", "u"));
    ConnectorException e =
        assertThrows(
            ConnectorException.class,
            () ->
                VsphereSettings.of(new HypervisorConfig("vc1", "vmware", settings, t -> t, null)));
    assertEquals("vc1: password is required for type vmware", e.getMessage());
    assertThrows(
        ConnectorException.class, () -> of("cluster", "c", "resource_pool", "c/Resources/p"));
  }
}
