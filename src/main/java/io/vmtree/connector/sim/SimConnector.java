package io.vmtree.connector.sim;

import io.vmtree.connector.Connector;
import io.vmtree.connector.ConnectorException;
import io.vmtree.connector.ConnectorException.Kind;
import io.vmtree.connector.HypervisorConfig;
import io.vmtree.connector.HypervisorSession;

/**
 * The {@code sim} hypervisor (SPEC §8). Its world lives in the entry's {@code dir} (relative to the
 * current directory), by default {@code <state dir>/sim/<name>}; a world that does not exist yet is
 * empty and is created by the first change. Fields: {@code latency_ms} (default 0), {@code
 * fail_rate} (0), {@code seed} (0), {@code max_parallel} (10).
 */
public final class SimConnector implements Connector {
  /** {@return {@code sim}} */
  @Override
  public String type() {
    return "sim";
  }

  /**
   * {@return a session with the sim of {@code config}}
   *
   * @throws ConnectorException UNREACHABLE when the sim is down, REJECTED for a bad setting
   */
  @Override
  public HypervisorSession connect(HypervisorConfig config) {
    SimSettings settings = SimSettings.of(config);
    SimWorld world = SimWorld.asHypervisor(settings.dir());
    boolean down;
    try {
      down = world.isDown();
    } catch (SimWorldException e) {
      world.close();
      throw new ConnectorException(Kind.REJECTED, settings.name() + ": " + e.getMessage(), e);
    }
    if (down) {
      world.close();
      throw new ConnectorException(
          Kind.UNREACHABLE, settings.name() + ": hypervisor is unreachable (down)");
    }
    return new SimSession(settings, world);
  }
}
