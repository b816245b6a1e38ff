package io.vmtree.connector.proxmox.fake;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed certificate for 127.0.0.1 made at test time with the JDK's {@code keytool}, as a
 * fresh PVE node has one (pve-cluster generates {@code pve-ssl.pem} signed by the cluster's own CA,
 * which no client trusts). Made once per JVM.
 */
final class FakePveCertificate {
  private static final char[] PASSWORD = "fake-pve".toCharArray();
  private static FakePveCertificate instance;

  final SSLContext context;
  final String fingerprint;

  private FakePveCertificate(SSLContext context, String fingerprint) {
    this.context = context;
    this.fingerprint = fingerprint;
  }

  static synchronized FakePveCertificate get() {
    if (instance == null) {
      instance = make();
    }
    return instance;
  }

  private static FakePveCertificate make() {
    try {
      Path dir = Files.createTempDirectory("fake-pve-cert");
      Path store = dir.resolve("pve-ssl.p12");
      Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
      Process process =
          new ProcessBuilder(
                  List.of(
                      keytool.toString(),
                      "-genkeypair",
                      "-alias",
                      "pve-ssl",
                      "-keyalg",
                      "EC",
                      "-groupname",
                      "secp256r1",
                      "-validity",
                      "3",
                      "-dname",
                      "CN=pve-fake.local, O=PVE Cluster Node, OU=fake",
                      "-ext",
                      "SAN=ip:127.0.0.1,dns:localhost",
                      "-keystore",
                      store.toString(),
                      "-storetype",
                      "PKCS12",
                      "-storepass",
                      new String(PASSWORD),
                      "-keypass",
                      new String(PASSWORD)))
              .redirectErrorStream(true)
              .start();
      String output = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("keytool failed: " + output);
      }
      KeyStore keys = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(store)) {
        keys.load(in, PASSWORD);
      }
      KeyManagerFactory factory =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(keys, PASSWORD);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(factory.getKeyManagers(), null, null);
      X509Certificate cert = (X509Certificate) keys.getCertificate("pve-ssl");
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
      String hex = HexFormat.ofDelimiter(":").formatHex(digest).toUpperCase(Locale.ROOT);
      return new FakePveCertificate(context, hex);
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot make the fake PVE's certificate", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
