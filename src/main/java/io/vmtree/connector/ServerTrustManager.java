package io.vmtree.connector;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The trust manager of a connection to a hypervisor, where vmtree is always the client: it checks
 * the server and refuses every client check. Connectors that verify, pin or skip certificates
 * (vSphere, Proxmox) extend it and write only {@link #checkServer}; it is installed on their own
 * connections only, never as the JVM's default.
 */
public abstract class ServerTrustManager extends X509ExtendedTrustManager {
  /**
   * Checks the server's certificate chain.
   *
   * @param socket the connection (for a host name check), or null
   * @param engine the engine of the connection, or null
   */
  protected abstract void checkServer(
      X509Certificate[] chain, String authType, Socket socket, SSLEngine engine)
      throws CertificateException;

  @Override
  public final void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    checkServer(chain, authType, null, null);
  }

  @Override
  public final void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkServer(chain, authType, socket, null);
  }

  @Override
  public final void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkServer(chain, authType, null, engine);
  }

  @Override
  public final void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("a client of a hypervisor accepts no client certificates");
  }

  @Override
  public final void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public final void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }

  /**
   * {@return the JVM's own trust manager (its trust store)}, for the verified check
   *
   * @throws GeneralSecurityException when the trust store cannot be read
   */
  public static X509ExtendedTrustManager system() throws GeneralSecurityException {
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

  /** {@return the {@code algorithm} digest of {@code certificate}, for pinning} */
  public static byte[] digest(X509Certificate certificate, String algorithm)
      throws CertificateException {
    try {
      return MessageDigest.getInstance(algorithm).digest(certificate.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new CertificateException(e);
    }
  }

  /**
   * Checks {@code chain} with {@code checker}, passing the socket or engine on (for its host name
   * check) when there is one.
   */
  protected static void delegate(
      X509ExtendedTrustManager checker,
      X509Certificate[] chain,
      String authType,
      Socket socket,
      SSLEngine engine)
      throws CertificateException {
    if (socket != null) {
      checker.checkServerTrusted(chain, authType, socket);
    } else if (engine != null) {
      checker.checkServerTrusted(chain, authType, engine);
    } else {
      checker.checkServerTrusted(chain, authType);
    }
  }
}
