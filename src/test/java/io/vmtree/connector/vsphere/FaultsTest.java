package io.vmtree.connector.vsphere;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.vmware.vim25.HostCommunication;
import com.vmware.vim25.InvalidLogin;
import com.vmware.vim25.InvalidPowerState;
import com.vmware.vim25.LocalizableMessage;
import com.vmware.vim25.ManagedObjectNotFound;
import com.vmware.vim25.MethodFault;
import com.vmware.vim25.NoPermission;
import com.vmware.vim25.TaskInProgress;
import io.vmtree.connector.ConnectorException;
import io.vmtree.connector.ConnectorException.Kind;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.rmi.RemoteException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class FaultsTest {
  @Test
  void vsphereFaultsAreTypedByWhetherARetryCanHelp() {
    assertEquals(Kind.CONFLICT, Faults.of("vc1", "power on web1", new TaskInProgress()).kind());
    assertEquals(Kind.TRANSIENT, Faults.of("vc1", "clone", new HostCommunication()).kind());
    assertEquals(Kind.NOT_FOUND, Faults.of("vc1", "read", new ManagedObjectNotFound()).kind());
    assertEquals(Kind.REJECTED, Faults.of("vc1", "clone", new NoPermission()).kind());
    assertEquals(Kind.REJECTED, Faults.of("vc1", "login", new InvalidLogin()).kind());
  }

  @Test
  void aTaskFaultNamesItsTypeMessageAndTask() {
    InvalidPowerState fault = new InvalidPowerState();
    LocalizableMessage message = new LocalizableMessage();
    message.setMessage("The attempted operation cannot be performed in the current state.");
    fault.setFaultMessage(new LocalizableMessage[] {message});

    ConnectorException e = Faults.of("vc1", "power on web1", fault, "task-123");

    assertEquals(
        "vc1: power on web1 failed: InvalidPowerState: The attempted operation cannot be performed"
            + " in the current state. (vCenter task task-123)",
        e.getMessage());
  }

  @Test
  void anUnknownFaultIsNamedByItsDynamicType() {
    MethodFault fault = new MethodFault();
    fault.setDynamicType("VlcmFutureFault");
    assertTrue(Faults.of("vc1", "clone", fault, null).getMessage().contains("VlcmFutureFault"));
  }

  @Test
  void transportFailuresAreUnreachableButAnUntrustedCertificateIsRejected() {
    assertEquals(
        Kind.UNREACHABLE,
        Faults.of("vc1", "login", new RemoteException("x", new ConnectException("refused")))
            .kind());
    assertEquals(
        Kind.UNREACHABLE,
        Faults.of("vc1", "list", new RemoteException("x", new SocketTimeoutException("read")))
            .kind());
    SSLHandshakeException handshake = new SSLHandshakeException("PKIX path building failed");
    handshake.initCause(new CertificateException("unable to find valid certification path"));
    ConnectorException untrusted = Faults.of("vc1", "login", new RemoteException("x", handshake));
    assertEquals(Kind.REJECTED, untrusted.kind());
    assertTrue(untrusted.getMessage().contains("thumbprint"), untrusted.getMessage());
    assertEquals(
        Kind.UNREACHABLE,
        Faults.of("vc1", "list", new RemoteException("x", new SSLHandshakeException("reset")))
            .kind(),
        "a handshake cut short is the network, not the certificate");
  }

  @Test
  void aConnectionClosedWithoutAnAnswerIsTriedAgain() {
    ConnectorException closed =
        Faults.of(
            "vc1",
            "look for web1",
            new RemoteException("x", new SocketException("Unexpected end of file from server")));
    assertEquals(Kind.TRANSIENT, closed.kind());
    assertTrue(closed.retryable());
    assertTrue(closed.getMessage().contains("closed the connection"), closed.getMessage());
    assertEquals(
        Kind.UNREACHABLE,
        Faults.of("vc1", "list", new RemoteException("x", new SocketException("Connection reset")))
            .kind(),
        "any other broken connection is the network");
  }
}
