package io.vmtree.connector.vsphere;

import com.vmware.vim25.ServiceContent;
import com.vmware.vim25.VimPortType;
import com.vmware.vim25.mo.ServiceInstance;
import com.vmware.vim25.ws.ClientCreator;
import io.vmtree.connector.ConnectorException;
import io.vmtree.connector.vsphere.soap.LenientWSClient;
import java.net.MalformedURLException;
import java.net.URL;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One logged-in vCenter session, shared by the threads of a command: every call goes through {@link
 * #call}, which logs in again once when the server says the session is gone ({@code
 * NotAuthenticated}, e.g. after an idle timeout or a vCenter restart) and turns failures into
 * {@link ConnectorException}s.
 */
final class Vcenter implements AutoCloseable {
  static {
    // yavijava's hook: every client it creates parses with vmtree's lenient parser
    ClientCreator.clientClass = LenientWSClient.class;
    QuietLogging.install();
  }

  /** A call to the vCenter. */
  @FunctionalInterface
  interface Call<T> {
    T run(VimPortType vim, ServiceContent content) throws Exception;
  }

  private final VsphereSettings settings;
  private final AtomicLong earlierRequests = new AtomicLong();
  private volatile ServiceInstance instance;
  private volatile boolean closed;

  private Vcenter(VsphereSettings settings, ServiceInstance instance) {
    this.settings = settings;
    this.instance = instance;
  }

  /**
   * {@return a logged-in session}
   *
   * @throws ConnectorException UNREACHABLE when the vCenter cannot be reached, REJECTED when it
   *     refuses the login or its certificate is not trusted
   */
  static Vcenter login(VsphereSettings settings) {
    return new Vcenter(settings, newSession(settings));
  }

  private static ServiceInstance newSession(VsphereSettings settings) {
    try {
      return new ServiceInstance(
          new URL(settings.url()),
          settings.user(),
          settings.password(),
          settings.tls(),
          VsphereSettings.CONNECT_TIMEOUT_MILLIS,
          VsphereSettings.READ_TIMEOUT_MILLIS);
    } catch (MalformedURLException e) {
      throw VsphereSettings.rejected(settings.name() + ": bad host URL: " + e.getMessage());
    } catch (Exception e) {
      throw Faults.of(settings.name(), "login to " + settings.url() + " as " + settings.user(), e);
    }
  }

  /** {@return the result of {@code call}; {@code what} names it in error messages} */
  <T> T call(String what, Call<T> call) {
    ServiceInstance current = instance;
    try {
      return call.run(vim(current), current.getServiceContent());
    } catch (Exception e) {
      if (!Faults.isNotAuthenticated(e) || closed) {
        throw Faults.of(settings.name(), what, e);
      }
    }
    ServiceInstance fresh = relogin(current);
    try {
      return call.run(vim(fresh), fresh.getServiceContent());
    } catch (Exception e) {
      throw Faults.of(settings.name(), what, e);
    }
  }

  private synchronized ServiceInstance relogin(ServiceInstance failed) {
    if (instance == failed) {
      earlierRequests.addAndGet(client(failed).requests());
      instance = newSession(settings);
    }
    return instance;
  }

  /** {@return the session's settings} */
  VsphereSettings settings() {
    return settings;
  }

  /** {@return the SOAP requests this session has sent, logins included} */
  long requests() {
    return earlierRequests.get() + client(instance).requests();
  }

  private static VimPortType vim(ServiceInstance instance) {
    return instance.getServerConnection().getVimService();
  }

  private static LenientWSClient client(ServiceInstance instance) {
    return (LenientWSClient) vim(instance).getWsc();
  }

  /** Logs out; never throws. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    ServiceInstance current = instance;
    try {
      vim(current).logout(current.getServiceContent().getSessionManager());
    } catch (Exception | LinkageError e) {
      // the session ends with the server's idle timeout anyway
    }
  }
}
