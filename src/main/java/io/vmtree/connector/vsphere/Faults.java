package io.vmtree.connector.vsphere;

import com.vmware.vim25.LocalizableMessage;
import com.vmware.vim25.LocalizedMethodFault;
import com.vmware.vim25.MethodFault;
import io.vmtree.connector.ConnectorException;
import io.vmtree.connector.ConnectorException.Kind;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.rmi.RemoteException;
import java.security.cert.CertificateException;
import java.util.Set;

/**
 * Turns what yavijava throws into {@link ConnectorException}s whose kind tells the engine whether
 * to retry: vSphere faults by their type, transport failures by their cause.
 */
final class Faults {
  /** Busy or locked: the same call may work a little later. */
  private static final Set<String> CONFLICT =
      Set.of("TaskInProgress", "ConcurrentAccess", "ResourceInUse", "InvalidState");

  /** Passing trouble on the vCenter side. */
  private static final Set<String> TRANSIENT =
      Set.of(
          "HostCommunication",
          "HostNotConnected",
          "HostNotReachable",
          "NotEnoughLicenses",
          "SystemError",
          "RequestCanceled",
          "Timedout");

  private static final Set<String> NOT_FOUND = Set.of("ManagedObjectNotFound", "NotFound");

  private Faults() {}

  /** {@return the connector failure for {@code error}, raised while doing {@code what}} */
  static ConnectorException of(String hypervisor, String what, Throwable error) {
    if (error instanceof ConnectorException e) {
      return e;
    }
    if (error instanceof MethodFault fault) {
      return of(hypervisor, what, fault, null);
    }
    Throwable cause = rootTransportCause(error);
    if (cause instanceof CertificateException) {
      return new ConnectorException(
          Kind.REJECTED,
          hypervisor
              + ": "
              + what
              + ": the server's TLS certificate is not trusted ("
              + cause.getMessage()
              + "); add it to the JVM trust store, pin it with thumbprint: or set insecure: true",
          error);
    }
    if (closedBeforeAnswering(cause)) {
      // the server closed a kept-alive connection instead of answering (the vSphere simulator
      // does so now and then under parallel calls, as a load balancer does after its idle time):
      // the server is there, so it is worth another try on a new connection, and every call of a
      // session may be repeated (a create first looks for the VM carrying its marker, the others
      // read the VM's state before they change it)
      return new ConnectorException(
          Kind.TRANSIENT,
          hypervisor
              + ": "
              + what
              + ": the vCenter closed the connection without answering ("
              + describe(cause)
              + ")",
          error);
    }
    if (cause instanceof ConnectException
        || cause instanceof UnknownHostException
        || cause instanceof NoRouteToHostException
        || cause instanceof SocketTimeoutException
        || cause instanceof IOException) {
      return new ConnectorException(
          Kind.UNREACHABLE,
          hypervisor + ": " + what + ": cannot reach the vCenter (" + describe(cause) + ")",
          error);
    }
    return new ConnectorException(
        Kind.REJECTED, hypervisor + ": " + what + ": " + describe(error), error);
  }

  /**
   * {@return the failure of a task that ended in {@code fault}; the task id goes in the message}
   */
  static ConnectorException of(String hypervisor, String what, MethodFault fault, String taskId) {
    String type = type(fault);
    Kind kind =
        CONFLICT.contains(type)
            ? Kind.CONFLICT
            : TRANSIENT.contains(type)
                ? Kind.TRANSIENT
                : NOT_FOUND.contains(type) ? Kind.NOT_FOUND : Kind.REJECTED;
    if (type.equals("InvalidLogin")) {
      return new ConnectorException(
          Kind.REJECTED,
          hypervisor + ": login refused (InvalidLogin): check user and password",
          fault);
    }
    String message = message(fault);
    return new ConnectorException(
        kind,
        hypervisor
            + ": "
            + what
            + " failed: "
            + type
            + (message.isEmpty() ? "" : ": " + message)
            + (taskId == null ? "" : " (vCenter task " + taskId + ")"),
        fault);
  }

  /** {@return the fault's vSphere type name, e.g. {@code InvalidPowerState}} */
  static String type(MethodFault fault) {
    String dynamic = fault.getDynamicType();
    return fault.getClass() == MethodFault.class && dynamic != null
        ? dynamic
        : fault.getClass().getSimpleName();
  }

  static boolean isNotAuthenticated(Throwable error) {
    return error instanceof MethodFault fault && type(fault).equals("NotAuthenticated");
  }

  static boolean isType(Throwable error, String type) {
    return error instanceof MethodFault fault && type(fault).equals(type);
  }

  /** {@return the fault's messages, or its task's localized message, as one line} */
  static String message(MethodFault fault) {
    StringBuilder out = new StringBuilder();
    LocalizableMessage[] messages = fault.getFaultMessage();
    if (messages != null) {
      for (LocalizableMessage message : messages) {
        if (message != null && message.getMessage() != null && !message.getMessage().isBlank()) {
          out.append(out.isEmpty() ? "" : "; ").append(message.getMessage().trim());
        }
      }
    }
    return out.toString();
  }

  /** {@return the message of a task error: its fault's messages or the localized text} */
  static String message(LocalizedMethodFault error) {
    String text = error.getFault() == null ? "" : message(error.getFault());
    if (text.isEmpty() && error.getLocalizedMessage() != null) {
      text = error.getLocalizedMessage();
    }
    return text;
  }

  /** The JDK's HTTP client says so when a connection it reused was closed by the server. */
  private static boolean closedBeforeAnswering(Throwable cause) {
    return cause instanceof SocketException
        && "Unexpected end of file from server".equals(cause.getMessage());
  }

  private static Throwable rootTransportCause(Throwable error) {
    Throwable cause = error;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
      if (cause instanceof CertificateException) {
        return cause;
      }
    }
    return cause;
  }

  private static String describe(Throwable error) {
    String message = error.getMessage();
    String type = error.getClass().getSimpleName();
    return message == null || message.isBlank() ? type : type + ": " + message;
  }

  /** {@return true when {@code error} is a transport failure rather than a vSphere fault} */
  static boolean isTransport(Throwable error) {
    return !(error instanceof MethodFault) && error instanceof RemoteException;
  }
}
