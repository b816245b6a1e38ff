package io.vmtree.connector.sim;

import io.vmtree.connector.HypervisorSession;
import java.nio.file.Path;
import java.util.Map;

/**
 * A second process for {@link SimConnectorTest}, on the sim {@code sim1} of the state directory
 * {@code STATE}. It prints {@code ready}, then either creates VMs {@code PREFIX/vm0..vmN-1} and
 * prints their ids, one a line ({@code create STATE PREFIX N}), or sets N tags {@code PREFIX-i} on
 * one VM, one change at a time ({@code tag STATE PREFIX N VM_ID}).
 */
public final class SimWorker {
  private SimWorker() {}

  /** {@code SimWorker create|tag STATE PREFIX N [VM_ID]}. */
  public static void main(String[] args) {
    Path stateDir = Path.of(args[1]);
    String prefix = args[2];
    int count = Integer.parseInt(args[3]);
    try (HypervisorSession session =
            new SimConnector().connect(SimConnectorTest.config(stateDir, Map.of()));
        SimWorld world = SimWorld.at(stateDir.resolve("sim/sim1"))) {
      System.out.println("ready");
      System.out.flush();
      for (int i = 0; i < count; i++) {
        if (args[0].equals("tag")) {
          String tag = prefix + "-" + i;
          world.update(args[4], vm -> vm.withTag(tag, "x")).orElseThrow();
        } else {
          System.out.println(session.create(SimConnectorTest.spec(prefix + "/vm" + i)).id());
        }
      }
    }
  }
}
