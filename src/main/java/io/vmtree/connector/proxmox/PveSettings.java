package io.vmtree.connector.proxmox;

import io.vmtree.connector.ConnectorException;
import io.vmtree.connector.ConnectorException.Kind;
import io.vmtree.connector.HypervisorConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fields of a {@code type: proxmox} hypervisor entry (SPEC §2, docs/proxmox.md), checked.
 * Secrets (token secret, password) are not kept here: they are resolved from the entry when the
 * client logs in, so a settings object can be printed or compared without leaking them.
 *
 * @param name the hypervisor's name, for messages
 * @param api the API's base, {@code https://HOST:PORT/api2/json}
 * @param node the node VMs are created on
 * @param storage the storage full clones go to, or null for the template's own
 * @param pool the resource pool new VMs join, or null
 * @param tokenId {@code USER@REALM!TOKENID} when an API token is used, else null
 * @param user {@code USER@REALM} for ticket (password) login, else null
 * @param tls how the server's certificate is checked
 * @param vmids the range new VM ids are taken from
 * @param clonesPerTemplate clones from one template at once
 * @param clonesPerStorage clones onto one storage at once
 * @param requestTimeout how long one HTTP request may take
 * @param taskTimeout how long an async task (clone, start, destroy) may take
 */
record PveSettings(
    String name,
    URI api,
    String node,
    String storage,
    String pool,
    String tokenId,
    String user,
    TlsTrust tls,
    VmidRange vmids,
    int clonesPerTemplate,
    int clonesPerStorage,
    Duration requestTimeout,
    Duration taskTimeout) {
  static final int DEFAULT_PORT = 8006;
  static final int DEFAULT_CLONES_PER_TEMPLATE = 1;
  static final int DEFAULT_CLONES_PER_STORAGE = 4;

  private static final Pattern HOST =
      Pattern.compile("(?:https://)?(\\[[0-9a-fA-F:.]+\\]|[^:/\\[\\]]+)(?::(\\d{1,5}))?/?");
  private static final Pattern NODE = Pattern.compile("[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?");

  /** How the server's TLS certificate is trusted. */
  sealed interface TlsTrust {
    /** Checked against the JDK's trust store (the default). */
    record System() implements TlsTrust {}

    /** Accepted only when its SHA-256 fingerprint is this one (colon-separated hex, upper case). */
    record Pinned(String sha256) implements TlsTrust {}

    /** Accepted whatever it is ({@code insecure: true}); warned about. */
    record Insecure() implements TlsTrust {}
  }

  /** An inclusive range of VM ids. */
  record VmidRange(int first, int last) {
    static final VmidRange DEFAULT = new VmidRange(10_000, 99_999);

    boolean contains(int vmid) {
      return vmid >= first && vmid <= last;
    }

    @Override
    public String toString() {
      return first + "-" + last;
    }
  }

  /** {@return the settings of {@code config}, checked; REJECTED naming the field when wrong} */
  static PveSettings of(HypervisorConfig config) {
    String name = config.name();
    String host =
        config
            .secret("host")
            .orElseThrow(() -> rejected(name + ": host is required (the PVE API's host[:port])"));
    Matcher m = HOST.matcher(host.trim());
    if (!m.matches()) {
      throw rejected(name + ": host must be HOST or HOST:PORT, got \"" + host + "\"");
    }
    int port = m.group(2) == null ? DEFAULT_PORT : Integer.parseInt(m.group(2));
    URI api = URI.create("https://" + m.group(1) + ":" + port + "/api2/json");
    String node =
        config.secret("node").orElseThrow(() -> rejected(name + ": node is required (proxmox)"));
    if (!NODE.matcher(node).matches()) {
      throw rejected(name + ": node \"" + node + "\" is not a node name");
    }
    String tokenId = config.secret("token_id").orElse(null);
    String user = config.secret("user").orElse(null);
    if (tokenId != null) {
      if (!tokenId.matches("[^@!\\s]+@[^@!\\s]+![A-Za-z][A-Za-z0-9._-]*")) {
        throw rejected(name + ": token_id must be USER@REALM!TOKENID, e.g. vmtree@pve!apply");
      }
      if (config.string("token_secret").isEmpty()) {
        throw rejected(name + ": token_id is set but token_secret is missing");
      }
      user = null;
    } else if (user == null || config.string("password").isEmpty()) {
      throw rejected(
          name + ": give token_id and token_secret (an API token), or user and password");
    } else if (!user.contains("@")) {
      throw rejected(name + ": user must be USER@REALM, e.g. root@pam, got \"" + user + "\"");
    }
    return new PveSettings(
        name,
        api,
        node,
        config.secret("storage").orElse(null),
        config.secret("pool").orElse(null),
        tokenId,
        user,
        tls(config, name),
        vmids(config, name),
        positive(config, name, "clones_per_template", DEFAULT_CLONES_PER_TEMPLATE),
        positive(config, name, "clones_per_storage", DEFAULT_CLONES_PER_STORAGE),
        Duration.ofMillis(positive(config, name, "request_timeout_ms", 30_000)),
        Duration.ofMillis(positive(config, name, "task_timeout_ms", 1_800_000)));
  }

  private static TlsTrust tls(HypervisorConfig config, String name) {
    Optional<String> fingerprint = config.secret("fingerprint");
    if (fingerprint.isPresent()) {
      String hex = fingerprint.get().replace(":", "").trim().toUpperCase(Locale.ROOT);
      if (!hex.matches("[0-9A-F]{64}")) {
        throw rejected(
            name
                + ": fingerprint must be the certificate's SHA-256 fingerprint, 32 hex bytes"
                + " (as `pvenode cert info` prints it)");
      }
      return new TlsTrust.Pinned(colons(hex));
    }
    return config.flag("insecure", false) ? new TlsTrust.Insecure() : new TlsTrust.System();
  }

  /** {@return {@code hex} as colon-separated byte pairs} */
  static String colons(String hex) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < hex.length(); i += 2) {
      if (i > 0) {
        out.append(':');
      }
      out.append(hex, i, i + 2);
    }
    return out.toString();
  }

  private static VmidRange vmids(HypervisorConfig config, String name) {
    Optional<String> text = config.string("vmid_range");
    if (text.isEmpty()) {
      return VmidRange.DEFAULT;
    }
    Matcher m = Pattern.compile("\\s*(\\d{3,9})\\s*-\\s*(\\d{3,9})\\s*").matcher(text.get());
    if (!m.matches()) {
      throw rejected(name + ": vmid_range must be FIRST-LAST, e.g. 10000-99999");
    }
    int first = Integer.parseInt(m.group(1));
    int last = Integer.parseInt(m.group(2));
    if (first < 100 || last > 999_999_999 || first > last) {
      throw rejected(
          name
              + ": vmid_range must lie within 100-999999999 with FIRST <= LAST, got "
              + text.get());
    }
    return new VmidRange(first, last);
  }

  private static int positive(HypervisorConfig config, String name, String field, int fallback) {
    Object value = config.settings().get(field);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Number n) || n.longValue() < 1 || n.longValue() > Integer.MAX_VALUE) {
      throw rejected(name + ": " + field + " must be a whole number of 1 or more, got " + value);
    }
    return n.intValue();
  }

  /** {@return the key that identifies the cluster (one allocator, one cache per cluster)} */
  String clusterKey() {
    return api.getAuthority();
  }

  private static ConnectorException rejected(String message) {
    return new ConnectorException(Kind.REJECTED, message);
  }
}
