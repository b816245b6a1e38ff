package io.vmtree.connector.sim;

import io.vmtree.connector.HypervisorSession;
import java.nio.file.Path;
import java.util.Map;

/**
 * A second process for {@link SimConnectorTest}: creates VMs {@code PREFIX/vm0..vmN-1} in the sim
 * {@code sim1} of the state directory {@code STATE}, and prints their ids, one a line.
 */
public final class SimWorker {
  private SimWorker() {}

  /** {@code SimWorker STATE PREFIX COUNT}. */
  public static void main(String[] args) {
    Path stateDir = Path.of(args[0]);
    String prefix = args[1];
    int count = Integer.parseInt(args[2]);
    try (HypervisorSession session =
        new SimConnector().connect(SimConnectorTest.config(stateDir, Map.of()))) {
      for (int i = 0; i < count; i++) {
        System.out.println(session.create(SimConnectorTest.spec(prefix + "/vm" + i)).id());
      }
    }
  }
}
