package io.vmtree.connector.proxmox;

import io.vmtree.connector.proxmox.PveSettings.TlsTrust;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
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
      X509ExtendedTrustManager checker;
      if (trust instanceof TlsTrust.Pinned pinned) {
        checker = new Pinned(pinned.sha256());
      } else if (trust instanceof TlsTrust.Insecure) {
        checker = new Pinned(null);
      } else {
        checker = systemTrust();
      }
      context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new Recording(checker, seen)}, null);
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
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
      return PveSettings.colons(HexFormat.of().formatHex(digest).toUpperCase(Locale.ROOT));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509ExtendedTrustManager systemTrust() throws GeneralSecurityException {
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init((KeyStore) null);
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509ExtendedTrustManager extended) {
        return extended;
      }
    }
    throw new GeneralSecurityException("no X.509 trust manager in this JVM");
  }

  /** Trusts the one certificate with {@code sha256}, or any certificate when it is null. */
  private static final class Pinned extends X509ExtendedTrustManager {
    private final String sha256;

    Pinned(String sha256) {
      this.sha256 = sha256;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      if (chain == null || chain.length == 0) {
        throw new CertificateException("the server presented no certificate");
      }
      if (sha256 != null && !sha256.equals(fingerprint(chain[0]))) {
        throw new CertificateException(
            "the server's certificate fingerprint "
                + fingerprint(chain[0])
                + " is not the pinned "
                + sha256);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("a client of PVE does not accept clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  /** Remembers the server's certificate, then lets {@code checker} decide. */
  private static final class Recording extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager checker;
    private final AtomicReference<String> seen;

    Recording(X509ExtendedTrustManager checker, AtomicReference<String> seen) {
      this.checker = checker;
      this.seen = seen;
    }

    private void record(X509Certificate[] chain) {
      if (chain != null && chain.length > 0) {
        seen.set(fingerprint(chain[0]));
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      record(chain);
      checker.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      record(chain);
      checker.checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      record(chain);
      checker.checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      checker.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      checker.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checker.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return checker.getAcceptedIssuers();
    }
  }
}
