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
import java.util.function.UnaryOperator;

/**
 * The {@code proxmox} hypervisor: a Proxmox VE cluster reached through its REST API. Fields: {@code
 * host} (HOST[:PORT], port 8006), {@code node}, {@code storage}, {@code pool}, {@code token_id} and
 * {@code token_secret} (or {@code user} and {@code password}), {@code fingerprint} or {@code
 * insecure}, {@code vmid_range}, {@code clones_per_template}, {@code clones_per_storage}, {@code
 * request_timeout_ms}, {@code task_timeout_ms}, {@code max_parallel}. See docs/proxmox.md.
 */
public final class ProxmoxConnector implements Connector {
  /** Set to {@code 1} to make the first refresh of each entry read every config again. */
  static final String FULL_REFRESH = "VMTREE_PROXMOX_FULL_REFRESH";

  private final PveClient.Retries retries;
  private final Duration firstPoll;
  private final PrintStream warnings;
  private final UnaryOperator<String> environment;

  /** The connector as the engine uses it. */
  public ProxmoxConnector() {
    this(PveClient.Retries.DEFAULT, Duration.ofMillis(100), System.err, System::getenv);
  }

  ProxmoxConnector(
      PveClient.Retries retries,
      Duration firstPoll,
      PrintStream warnings,
      UnaryOperator<String> environment) {
    this.retries = retries;
    this.firstPoll = firstPoll;
    this.warnings = warnings;
    this.environment = environment;
  }

  /** {@return {@code proxmox}} */
  @Override
  public String type() {
    return "proxmox";
  }

  /**
   * {@return a session with the cluster of {@code config}, logged in when it uses a password}
   *
   * <p>With an API token nothing is sent yet: the refresh's listing is the first call, so that a
   * refresh of an unchanged cluster is one call in all; an untrusted certificate, a cluster that
   * cannot be reached or a refused token fail that call, as UNREACHABLE.
   *
   * @throws ConnectorException REJECTED for a bad field, UNREACHABLE when a password login fails
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
    String who = settings.tokenId() != null ? settings.tokenId() : settings.user();
    return new ProxmoxSession(
        settings,
        client,
        new PveTasks(client, settings.name(), settings.taskTimeout(), firstPoll),
        cache(config, settings.clusterKey(), who));
  }

  /**
   * {@return the refresh cache of the entry: its file in the state directory (see {@link
   * RefreshCache}), emptied when {@code VMTREE_PROXMOX_FULL_REFRESH=1}}
   */
  private RefreshCache cache(HypervisorConfig config, String cluster, String who) {
    if (config.stateDir() == null) {
      return RefreshCache.inMemory();
    }
    if ("1".equals(environment.apply(FULL_REFRESH))) {
      return RefreshCache.empty(config.stateDir(), config.name(), cluster, who);
    }
    return RefreshCache.load(config.stateDir(), config.name(), cluster, who);
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
