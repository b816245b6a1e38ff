package io.vmtree.connector;

/** A kind of hypervisor vmtree can drive; one implementation per {@code type}. */
public interface Connector {
  /** {@return the hypervisor {@code type} this connector serves: sim, vmware, proxmox} */
  String type();

  /**
   * {@return a session with the hypervisor of {@code config}; reused for a whole command}
   *
   * @throws ConnectorException UNREACHABLE when it cannot be reached or logged into
   */
  HypervisorSession connect(HypervisorConfig config);
}
