package io.vmtree.connector.proxmox;

import io.vmtree.connector.Connector;
import io.vmtree.connector.ConnectorException;
import io.vmtree.connector.ConnectorException.Kind;
import io.vmtree.connector.HypervisorConfig;
import io.vmtree.connector.HypervisorSession;
import io.vmtree.connector.proxmox.PveClient.Credentials;
import io.vmtree.connector.proxmox.PveSettings.TlsTrust;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;

/**
 * The {@code proxmox} hypervisor: a Proxmox VE cluster reached through its REST API. Fields: {@code
 * host} (HOST[:PORT], port 8006), {@code node}, {@code storage}, {@code pool}, {@code token_id} and
 * {@code token_secret} (or {@code user} and {@code password}), {@code fingerprint} or {@code
 * insecure}, {@code vmid_range}, {@code clones_per_template}, {@code clones_per_storage}, {@code
 * request_timeout_ms}, {@code task_timeout_ms}, {@code max_parallel}. See docs/proxmox.md.
 */
public final class ProxmoxConnector implements Connector {
  private final PveClient.Retries retries;
  private final Duration firstPoll;
  private final PrintStream warnings;

  /** The connector as the engine uses it. */
  public ProxmoxConnector() {
    this(PveClient.Retries.DEFAULT, Duration.ofMillis(100), System.err);
  }

  ProxmoxConnector(PveClient.Retries retries, Duration firstPoll, PrintStream warnings) {
    this.retries = retries;
    this.firstPoll = firstPoll;
    this.warnings = warnings;
  }

  /** {@return {@code proxmox}} */
  @Override
  public String type() {
    return "proxmox";
  }

  /**
   * {@return a session with the cluster of {@code config}, logged in and its TLS checked}
   *
   * @throws ConnectorException REJECTED for a bad field, UNREACHABLE when the cluster cannot be
   *     reached, its certificate is not trusted, or the credentials are refused
   */
  @Override
  public HypervisorSession connect(HypervisorConfig config) {
    PveSettings settings = PveSettings.of(config);
    if (settings.tls() instanceof TlsTrust.Insecure) {
      warnings.println(
          "warning: hypervisor "
              + settings.name()
              + ": insecure: true - the server's TLS certificate is not checked; pin it with"
              + " fingerprint: instead");
    }
    Credentials credentials =
        settings.tokenId() != null
            ? new Credentials.Token(settings.tokenId(), () -> required(config, "token_secret"))
            : new Credentials.Password(settings.user(), () -> required(config, "password"));
    PveClient client =
        new PveClient(
            settings.name(),
            settings.api(),
            credentials,
            PveTls.of(settings.tls()),
            settings.requestTimeout(),
            retries,
            PveClient.TICKET_RENEWAL);
    client.login();
    client.get("/version", Map.of()); // fails now on TLS, reachability or a refused token
    String who = settings.tokenId() != null ? settings.tokenId() : settings.user();
    return new ProxmoxSession(
        settings,
        client,
        new PveTasks(client, settings.name(), settings.taskTimeout(), firstPoll),
        settings.clusterKey() + "|" + who);
  }

  private static String required(HypervisorConfig config, String field) {
    return config
        .secret(field)
        .orElseThrow(
            () ->
                new ConnectorException(
                    Kind.REJECTED, config.name() + ": " + field + " is missing"));
  }
}
