package io.vmtree.connector.vsphere.soap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TlsTest {
  @Test
  void pinsSha1AndSha256ThumbprintsWithOrWithoutColons() {
    assertEquals(
        Tls.Mode.PINNED,
        Tls.pinned("2C:11:ED:D7:13:87:7D:B5:74:18:B8:1C:42:C2:56:1F:0D:B9:5B:B9").mode());
    assertEquals(Tls.Mode.PINNED, Tls.pinned("2c11edd713877db57418b81c42c2561f0db95bb9").mode());
    assertEquals(Tls.Mode.PINNED, Tls.pinned("00".repeat(32)).mode());
  }

  @Test
  void refusesAThumbprintThatIsNotOne() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Tls.pinned("not-hex"));
    assertTrue(e.getMessage().contains("SHA-1 or SHA-256"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Tls.pinned("AB:CD"));
  }

  @Test
  void onlyVerifiedChecksHostNames() {
    assertTrue(Tls.insecure().hostnameVerifier().verify("anything", null));
    assertTrue(Tls.pinned("00".repeat(20)).hostnameVerifier().verify("anything", null));
  }
}
