package io.vmtree.connector.vsphere.soap;

import com.vmware.vim25.ws.WSClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.HttpURLConnection;
import java.net.MalformedURLException;
import java.nio.charset.StandardCharsets;
import java.rmi.RemoteException;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * yavijava's SOAP transport with vmtree's {@link LenientXmlGen} parser, its own TLS per connection
 * ({@link Tls}) and a count of the requests it sent. Installed through yavijava's {@code
 * ClientCreator.clientClass} hook, so any client yavijava makes by itself is lenient too; vmtree
 * makes its own with {@link #LenientWSClient(String, Tls, int, int)}.
 */
public final class LenientWSClient extends WSClient {
  private static final LenientXmlGen PARSER = new LenientXmlGen();

  private final Tls tls;
  private final AtomicLong requests = new AtomicLong();

  /**
   * A client of {@code url} with the TLS of {@code tls} and timeouts in milliseconds (0: none).
   *
   * @throws MalformedURLException when {@code url} is not a URL
   */
  public LenientWSClient(String url, Tls tls, int connectTimeoutMillis, int readTimeoutMillis)
      throws MalformedURLException, RemoteException {
    // nothing to the superclass: its ignoreCert and TrustManager paths change JVM-wide defaults
    super(url, false, null);
    this.tls = tls;
    this.trustManager = tls;
    setConnectTimeout(connectTimeoutMillis);
    setReadTimeout(readTimeoutMillis);
  }

  /** For yavijava's {@code ClientCreator}: {@code ignoreCert} trusts any certificate, here only. */
  public LenientWSClient(String url, boolean ignoreCert)
      throws MalformedURLException, RemoteException {
    this(url, ignoreCert ? Tls.insecure() : Tls.verified(), 0, 0);
  }

  /**
   * For yavijava's {@code ClientCreator}: a {@link Tls} is used as is, another trust manager is
   * not.
   */
  public LenientWSClient(String url, boolean ignoreCert, TrustManager trustManager)
      throws MalformedURLException, RemoteException {
    this(
        url,
        trustManager instanceof Tls given ? given : ignoreCert ? Tls.insecure() : Tls.verified(),
        0,
        0);
  }

  /** {@return how many SOAP requests this client has sent} */
  public long requests() {
    return requests.get();
  }

  @Override
  public Object unMarshall(String returnType, InputStream is) throws Exception {
    return PARSER.fromXML(returnType, is);
  }

  /** The superclass's request, with this connection's TLS instead of the JVM's defaults. */
  @Override
  protected InputStream post(String soapMessage) throws IOException {
    requests.incrementAndGet();
    HttpURLConnection connection = (HttpURLConnection) baseUrl.openConnection();
    if (connection instanceof HttpsURLConnection https) {
      https.setSSLSocketFactory(tls.socketFactory());
      https.setHostnameVerifier(tls.hostnameVerifier());
    }
    if (connectTimeout > 0) {
      connection.setConnectTimeout(connectTimeout);
    }
    if (readTimeout > 0) {
      connection.setReadTimeout(readTimeout);
    }
    connection.setRequestMethod("POST");
    connection.setDoOutput(true);
    connection.setDoInput(true);
    connection.setRequestProperty("SOAPAction", soapAction == null ? "" : soapAction);
    connection.setRequestProperty("Content-Type", "text/xml; charset=utf-8");
    String session = cookie;
    if (session != null) {
      connection.setRequestProperty("Cookie", session);
    }
    try (Writer out =
        new OutputStreamWriter(connection.getOutputStream(), StandardCharsets.UTF_8)) {
      out.write(soapMessage);
    }
    InputStream in = getInputStreamFromConnection(connection);
    if (cookie == null) {
      cookie = connection.getHeaderField("Set-Cookie");
    }
    return in;
  }

  // never reached (post is ours); overridden so that nothing can set the JVM-wide defaults
  @Override
  protected SSLSocketFactory getTrustAllSocketFactory(boolean ignoreCert) {
    return null;
  }

  @Override
  protected SSLSocketFactory getCustomTrustManagerSocketFactory(TrustManager manager) {
    return null;
  }
}
