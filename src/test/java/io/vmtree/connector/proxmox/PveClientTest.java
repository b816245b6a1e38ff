package io.vmtree.connector.proxmox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtree.connector.ConnectorException;
import io.vmtree.connector.ConnectorException.Kind;
import io.vmtree.connector.proxmox.PveClient.Credentials;
import io.vmtree.connector.proxmox.PveSettings.TlsTrust;
import io.vmtree.connector.proxmox.fake.FakePve;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The client's retries of the proxy's passing errors, and its renewal of tickets before expiry. */
class PveClientTest {
  private final FakePve pve =
      FakePve.start()
          .token("vmtree@pve!apply", "s3cret", FakePve.VMTREE_ROLE)
          .user("vmtree@pve", "pw", FakePve.VMTREE_ROLE);
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);

  @AfterEach
  void stop() {
    pve.close();
  }

  private PveClient client(Credentials credentials) {
    return new PveClient(
        "pve",
        URI.create("https://" + pve.host() + "/api2/json"),
        credentials,
        PveTls.of(new TlsTrust.Insecure()),
        Duration.ofSeconds(10),
        new PveClient.Retries(4, Duration.ofMillis(5)),
        PveClient.TICKET_RENEWAL,
        clock::get);
  }

  private PveClient tokenClient() {
    return client(new Credentials.Token("vmtree@pve!apply", () -> "s3cret"));
  }

  @ParameterizedTest
  @ValueSource(ints = {502, 503, 504})
  void aPassingProxyErrorIsRetried(int status) {
    pve.proxyErrors(3, status, "proxy error " + status);
    PveClient client = tokenClient();
    client.get("/cluster/resources", Map.of("type", "vm"));
    assertEquals(4, client.calls(), "three answered " + status + ", the fourth went through");
  }

  @Test
  void aProxyErrorThatLastsFailsAsTransientAfterTheLastTry() {
    pve.proxyErrors(10, 503, "Service Unavailable");
    PveClient client = tokenClient();
    ConnectorException e =
        assertThrows(
            ConnectorException.class, () -> client.get("/cluster/resources", Map.of("type", "vm")));
    assertEquals(Kind.TRANSIENT, e.kind());
    assertTrue(e.getMessage().contains("Service Unavailable"), e.getMessage());
    assertEquals(4, client.calls());
  }

  @Test
  void otherErrorsAreNotRetried() {
    pve.proxyErrors(1, 500, "something else broke");
    PveClient client = tokenClient();
    ConnectorException e =
        assertThrows(ConnectorException.class, () -> client.get("/version", Map.of()));
    assertEquals(Kind.REJECTED, e.kind());
    assertEquals(1, client.calls());
  }

  @Test
  void theTicketIsRenewedBeforePveWouldRefuseIt() {
    PveClient client = client(new Credentials.Password("vmtree@pve", () -> "pw"));
    client.login();
    client.get("/version", Map.of());
    clock.addAndGet(Duration.ofMinutes(89).toNanos());
    client.get("/version", Map.of());
    assertEquals(1, pve.requestsByEndpoint().get("POST /access/ticket"), "still young");

    clock.addAndGet(Duration.ofMinutes(2).toNanos()); // 91 minutes: PVE would accept it till 120
    client.get("/version", Map.of());
    assertEquals(2, pve.requestsByEndpoint().get("POST /access/ticket"), "renewed ahead");
    assertEquals(5, client.calls(), "login, 2 calls, login, call: no call was refused first");
  }
}
