package io.vmtree.connector.vsphere;

import io.vmtree.connector.ConnectorException;
import io.vmtree.connector.ConnectorException.Kind;
import io.vmtree.connector.HypervisorConfig;
import io.vmtree.connector.vsphere.soap.Tls;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The fields of a {@code type: vmware} hypervisor entry (SPEC §2), checked. Secrets are resolved
 * here, when connecting, and kept only in memory.
 *
 * @param name the entry's name, for messages
 * @param url the SDK endpoint: {@code https://<host>/sdk} unless {@code host} is a URL
 * @param user the user to log in as
 * @param password the resolved password (never printed: see {@link #toString()})
 * @param datacenter the datacenter's name, or null for the only one
 * @param cluster the cluster's name, or null
 * @param resourcePool the resource pool's path below the datacenter's host folder, or null
 * @param datastore the datastore's name, or null for the template's
 * @param vmFolder the folder path below the datacenter's VM folder that vmtree's tree starts at
 * @param tls how the server's certificate is checked
 */
record VsphereSettings(
    String name,
    String url,
    String user,
    String password,
    String datacenter,
    String cluster,
    String resourcePool,
    String datastore,
    List<String> vmFolder,
    Tls tls) {
  static final int CONNECT_TIMEOUT_MILLIS = 10_000;
  static final int READ_TIMEOUT_MILLIS = 300_000;

  VsphereSettings {
    vmFolder = List.copyOf(vmFolder);
  }

  /** {@return the settings of {@code config}, secrets resolved} */
  static VsphereSettings of(HypervisorConfig config) {
    String name = config.name();
    String host = required(config, "host");
    String url = url(name, host);
    String user = required(config, "user");
    String password = required(config, "password");
    boolean insecure = config.flag("insecure", false);
    Optional<String> thumbprint = config.secret("thumbprint");
    Tls tls;
    if (insecure && thumbprint.isPresent()) {
      throw rejected(name + ": give either insecure: true or a thumbprint, not both");
    } else if (thumbprint.isPresent()) {
      try {
        tls = Tls.pinned(thumbprint.get());
      } catch (IllegalArgumentException e) {
        throw rejected(name + ": " + e.getMessage());
      }
    } else {
      tls = insecure ? Tls.insecure() : Tls.verified();
    }
    String cluster = config.secret("cluster").orElse(null);
    String pool = config.secret("resource_pool").orElse(null);
    if (cluster != null && pool != null) {
      throw rejected(name + ": give either cluster or resource_pool, not both");
    }
    List<String> folder =
        Arrays.stream(config.secret("vm_folder").orElse("").split("/"))
            .filter(s -> !s.isBlank())
            .toList();
    return new VsphereSettings(
        name,
        url,
        user,
        password,
        config.secret("datacenter").orElse(null),
        cluster,
        pool,
        config.secret("datastore").orElse(null),
        folder,
        tls);
  }

  private static String required(HypervisorConfig config, String field) {
    return config
        .secret(field)
        .filter(s -> !s.isBlank())
        .orElseThrow(() -> rejected(config.name() + ": " + field + " is required for type vmware"));
  }

  private static String url(String name, String host) {
    String text = host.contains("://") ? host : "https://" + host + "/sdk";
    try {
      URI uri = new URI(text);
      if (uri.getHost() == null || !"https".equalsIgnoreCase(uri.getScheme())) {
        throw rejected(name + ": host must be a host name, host:port or an https:// URL");
      }
      return uri.getPath() == null || uri.getPath().isEmpty() ? text + "/sdk" : text;
    } catch (URISyntaxException e) {
      throw rejected(name + ": host is not a host name or URL: " + e.getMessage());
    }
  }

  static ConnectorException rejected(String message) {
    return new ConnectorException(Kind.REJECTED, message);
  }

  /** Never shows the password. */
  @Override
  public String toString() {
    return "VsphereSettings[" + name + " " + url + " user=" + user + " password=(sensitive)]";
  }
}
