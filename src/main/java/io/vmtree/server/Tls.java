package io.vmtree.server;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The TLS context of {@code serve --tls-cert FILE --tls-key FILE}: a PEM certificate chain (the
 * server's first) and an unencrypted PKCS#8 PEM private key (RSA, EC or Ed25519), as {@code openssl
 * req -x509 -newkey rsa:2048 -nodes} or certbot write them.
 */
final class Tls {
  private static final Pattern KEY =
      Pattern.compile(
          "-----BEGIN ([A-Z ]*)PRIVATE KEY-----(.*?)-----END \\1PRIVATE KEY-----", Pattern.DOTALL);

  private Tls() {}

  /** A certificate or key that cannot be used; the message says which file and why. */
  static final class Invalid extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Invalid(String message) {
      super(message);
    }
  }

  /** {@return a TLS context serving {@code cert} with {@code key}} */
  static SSLContext context(Path cert, Path key) {
    Collection<? extends Certificate> chain = certificates(cert);
    PrivateKey privateKey = privateKey(key);
    requireMatch(chain.iterator().next(), privateKey, cert, key);
    try {
      char[] password = new char[0];
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("vmtree", privateKey, password, chain.toArray(Certificate[]::new));
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, new SecureRandom());
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new Invalid(
          "cannot use " + cert + " with " + key + ": " + e.getMessage() + " (do they match?)");
    }
  }

  /**
   * Refuses a key that is not the certificate's: the JDK would accept the pair and then fail every
   * handshake without a word. Signing a challenge with the key and verifying it with the
   * certificate's public key tells, for every key type, without reading the keys' fields.
   */
  private static void requireMatch(Certificate first, PrivateKey privateKey, Path cert, Path key) {
    String algorithm =
        switch (privateKey.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          default -> privateKey.getAlgorithm();
        };
    boolean matches;
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(first.getPublicKey());
      verifier.update(challenge);
      matches = verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      matches = false;
    }
    if (!matches) {
      throw new Invalid(
          "the key in "
              + key
              + " does not match the certificate in "
              + cert
              + " (its public key is another one): give the key the certificate was made for");
    }
  }

  private static Collection<? extends Certificate> certificates(Path file) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      Collection<? extends Certificate> chain =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(bytes));
      if (chain.isEmpty()) {
        throw new Invalid(file + ": no certificate (expected -----BEGIN CERTIFICATE-----)");
      }
      return chain;
    } catch (IOException e) {
      throw new Invalid("cannot read " + file + ": " + e.getMessage());
    } catch (GeneralSecurityException e) {
      throw new Invalid(file + " is not a PEM certificate: " + e.getMessage());
    }
  }

  private static PrivateKey privateKey(Path file) {
    String pem;
    try {
      pem = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new Invalid("cannot read " + file + ": " + e.getMessage());
    }
    Matcher m = KEY.matcher(pem);
    if (!m.find()) {
      throw new Invalid(file + ": no private key (expected -----BEGIN PRIVATE KEY-----)");
    }
    if (!m.group(1).isEmpty()) {
      throw new Invalid(
          file
              + " holds a "
              + m.group(1).strip()
              + " PRIVATE KEY; vmtree reads unencrypted PKCS#8 keys: convert it with"
              + " openssl pkcs8 -topk8 -nocrypt -in "
              + file
              + " -out key.pem");
    }
    byte[] der = Base64.getMimeDecoder().decode(m.group(2));
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new Invalid(file + ": not an RSA, EC or Ed25519 private key");
  }
}
