package io.vmtree.connector.vsphere.soap;

import io.vmtree.connector.ServerTrustManager;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * How one vCenter connection checks the server's certificate. It is a trust manager so that it can
 * travel through yavijava's constructors, and it is used by that connection only: nothing here
 * changes the JVM's default socket factory or host name verifier (yavijava's {@code ignoreCert}
 * does, for the whole JVM).
 */
public final class Tls extends ServerTrustManager {
  /** The three ways to trust a server. */
  public enum Mode {
    /** The JVM's trust store and host name check, as for any HTTPS client. */
    VERIFIED,
    /** Exactly one certificate, named by its SHA-1 or SHA-256 thumbprint. */
    PINNED,
    /** Anything (the user wrote {@code insecure: true}). */
    INSECURE
  }

  private final Mode mode;
  private final byte[] thumbprint;
  private final X509ExtendedTrustManager system;
  private final SSLSocketFactory sockets;

  private Tls(Mode mode, byte[] thumbprint) {
    this.mode = mode;
    this.thumbprint = thumbprint;
    this.system = mode == Mode.VERIFIED ? systemTrustManager() : null;
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {this}, null);
      this.sockets = context.getSocketFactory();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS in this JVM: " + e.getMessage(), e);
    }
  }

  /** {@return the JVM's trust store and host name check} */
  public static Tls verified() {
    return new Tls(Mode.VERIFIED, null);
  }

  /**
   * {@return trust in exactly the certificate with {@code thumbprint}: SHA-1 (as vCenter and govc
   * show it) or SHA-256, hex, colons optional}
   *
   * @throws IllegalArgumentException when it is not 20 or 32 bytes of hex
   */
  public static Tls pinned(String thumbprint) {
    String hex = thumbprint.replace(":", "").replace(" ", "").toLowerCase(Locale.ROOT);
    byte[] bytes;
    try {
      bytes = HexFormat.of().parseHex(hex);
    } catch (IllegalArgumentException e) {
      bytes = new byte[0];
    }
    if (bytes.length != 20 && bytes.length != 32) {
      throw new IllegalArgumentException(
          "thumbprint must be the SHA-1 or SHA-256 fingerprint in hex (AB:CD:...), got \""
              + thumbprint
              + "\"");
    }
    return new Tls(Mode.PINNED, bytes);
  }

  /** {@return trust in any certificate, for this connection only} */
  public static Tls insecure() {
    return new Tls(Mode.INSECURE, null);
  }

  /** {@return how this connection trusts the server} */
  public Mode mode() {
    return mode;
  }

  /** {@return the socket factory of this connection} */
  public SSLSocketFactory socketFactory() {
    return sockets;
  }

  /**
   * {@return the host name check of this connection: the JVM's default when verifying, none when
   * the certificate is pinned (the pin names the one certificate accepted) or insecure}
   */
  public HostnameVerifier hostnameVerifier() {
    return mode == Mode.VERIFIED
        ? HttpsURLConnection.getDefaultHostnameVerifier()
        : (host, session) -> true;
  }

  @Override
  protected void checkServer(
      X509Certificate[] chain, String authType, Socket socket, SSLEngine engine)
      throws CertificateException {
    switch (mode) {
      case VERIFIED -> delegate(system, chain, authType, socket, engine); // host name checked too
      case PINNED -> checkPin(chain);
      case INSECURE -> {}
    }
  }

  private void checkPin(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("the server sent no certificate");
    }
    byte[] actual = digest(chain[0], thumbprint.length == 20 ? "SHA-1" : "SHA-256");
    if (!MessageDigest.isEqual(actual, thumbprint)) {
      throw new CertificateException(
          "the server's certificate has thumbprint "
              + HexFormat.ofDelimiter(":").withUpperCase().formatHex(actual)
              + ", not the pinned "
              + HexFormat.ofDelimiter(":").withUpperCase().formatHex(thumbprint));
    }
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return system != null ? system.getAcceptedIssuers() : super.getAcceptedIssuers();
  }

  private static X509ExtendedTrustManager systemTrustManager() {
    try {
      return ServerTrustManager.system();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the JVM's trust store: " + e.getMessage(), e);
    }
  }
}
