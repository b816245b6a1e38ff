package io.vmtree.connector.proxmox;

import io.vmtree.connector.ServerTrustManager;
import io.vmtree.connector.proxmox.PveSettings.TlsTrust;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS trust of one client. A pinned fingerprint replaces both the chain and the host name
 * check: PVE nodes ship self-signed certificates for their own names, and a pin of the exact
 * certificate is stronger than either. Whatever the mode, the certificate the server showed is
 * remembered, so a refusal can say which fingerprint to pin.
 */
final class PveTls {
  private final SSLContext context;
  private final AtomicReference<String> seen = new AtomicReference<>();

  private PveTls(TlsTrust trust) {
    try {
      Checked checked;
      if (trust instanceof TlsTrust.Pinned pinned) {
        checked = new Checked(null, pinned.sha256(), seen);
      } else if (trust instanceof TlsTrust.Insecure) {
        checked = new Checked(null, null, seen);
      } else {
        checked = new Checked(ServerTrustManager.system(), null, seen);
      }
      context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {checked}, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("TLS is not available in this JVM: " + e.getMessage(), e);
    }
  }

  /** {@return the TLS setup for {@code trust}} */
  static PveTls of(TlsTrust trust) {
    return new PveTls(trust);
  }

  SSLContext context() {
    return context;
  }

  /** {@return the SHA-256 fingerprint of the last certificate the server presented, or null} */
  String seenFingerprint() {
    return seen.get();
  }

  /** {@return the SHA-256 fingerprint of {@code cert}, as {@code AB:CD:...}} */
  static String fingerprint(X509Certificate cert) {
    try {
      byte[] digest = ServerTrustManager.digest(cert, "SHA-256");
      return PveSettings.colons(HexFormat.of().formatHex(digest).toUpperCase(Locale.ROOT));
    } catch (CertificateException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Remembers the certificate the server showed, then checks it: against the JVM's trust store
   * ({@code system}), against the pinned {@code sha256}, or not at all (both null: insecure).
   */
  private static final class Checked extends ServerTrustManager {
    private final X509ExtendedTrustManager system;
    private final String sha256;
    private final AtomicReference<String> seen;

    Checked(X509ExtendedTrustManager system, String sha256, AtomicReference<String> seen) {
      this.system = system;
      this.sha256 = sha256;
      this.seen = seen;
    }

    @Override
    protected void checkServer(
        X509Certificate[] chain, String authType, Socket socket, SSLEngine engine)
        throws CertificateException {
      if (chain == null || chain.length == 0) {
        throw new CertificateException("the server presented no certificate");
      }
      seen.set(fingerprint(chain[0]));
      if (system != null) {
        delegate(system, chain, authType, socket, engine);
      } else if (sha256 != null && !sha256.equals(fingerprint(chain[0]))) {
        throw new CertificateException(
            "the server's certificate fingerprint "
                + fingerprint(chain[0])
                + " is not the pinned "
                + sha256);
      }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return system != null ? system.getAcceptedIssuers() : super.getAcceptedIssuers();
    }
  }
}
