package io.vmtree.connector.vsphere;

import io.vmtree.connector.Connector;
import io.vmtree.connector.ConnectorException;
import io.vmtree.connector.HypervisorConfig;
import io.vmtree.connector.HypervisorSession;

/**
 * The {@code vmware} hypervisor: a vCenter (or an ESXi host) reached over the vSphere SOAP API with
 * yavijava and vmtree's lenient parser. Fields: {@code host}, {@code user}, {@code password},
 * {@code datacenter}, {@code cluster} or {@code resource_pool}, {@code datastore}, {@code
 * vm_folder}, {@code insecure} or {@code thumbprint}, {@code max_parallel}. See docs/vsphere.md.
 */
public final class VsphereConnector implements Connector {
  /** {@return {@code vmware}} */
  @Override
  public String type() {
    return "vmware";
  }

  /**
   * {@return a logged-in session, reused for the whole command and logged out at its end}
   *
   * @throws ConnectorException UNREACHABLE when the vCenter cannot be reached, REJECTED for a bad
   *     setting, a refused login or an untrusted certificate
   */
  @Override
  public HypervisorSession connect(HypervisorConfig config) {
    return new VsphereSession(Vcenter.login(VsphereSettings.of(config)));
  }
}
