package io.vmtree.apply;

import io.vmtree.connector.Connector;
import io.vmtree.connector.ConnectorException;
import io.vmtree.connector.HypervisorConfig;
import io.vmtree.connector.HypervisorSession;
import io.vmtree.definition.SecretRef;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * The hypervisors one command talks to: one session each, opened on first use and reused, and one
 * semaphore each sized by {@code max_parallel}. Secrets are resolved here, when connecting, and
 * nowhere else.
 */
public final class Hypervisors implements AutoCloseable {
  /** The parameters of a computed definition that are not hypervisor settings. */
  private static final Set<String> NOT_SETTINGS =
      Set.of(
          "use_hypervisor",
          "hypervisor_type",
          "filter_hypervisors_allow",
          "use_prototype",
          "base_image",
          "vcpu",
          "memory",
          "power",
          "tags",
          "description");

  private static final int DEFAULT_MAX_PARALLEL = 10;

  private final Map<String, Connector> connectors;
  private final Path treeRoot;
  private final Path stateDir;
  private final Map<String, String> environment;
  private final Map<String, HypervisorConfig> configs = new ConcurrentHashMap<>();
  private final Map<String, HypervisorSession> sessions = new ConcurrentHashMap<>();
  private final Map<String, Semaphore> limits = new ConcurrentHashMap<>();

  /**
   * Hypervisors reached through {@code connectors} (by type).
   *
   * @param treeRoot where {@code ${file:...}} secrets are relative to
   */
  public Hypervisors(
      Map<String, Connector> connectors,
      Path treeRoot,
      Path stateDir,
      Map<String, String> environment) {
    this.connectors = Map.copyOf(connectors);
    this.treeRoot = treeRoot;
    this.stateDir = stateDir;
    this.environment = Map.copyOf(environment);
  }

  /**
   * Registers the hypervisor a computed config uses (its {@code use_hypervisor}); the first config
   * seen for a name wins, so register the tree's (with literal secrets) before a plan's.
   */
  public void register(Map<String, Object> config) {
    Object name = config.get("use_hypervisor");
    Object type = config.get("hypervisor_type");
    if (name == null || type == null) {
      return;
    }
    configs.computeIfAbsent(
        name.toString(),
        n -> {
          Map<String, Object> settings = new java.util.HashMap<>();
          config.forEach(
              (k, v) -> {
                if (!NOT_SETTINGS.contains(k) && v != null) {
                  settings.put(k, v);
                }
              });
          return new HypervisorConfig(
              n, type.toString(), settings, text -> resolve(n, text), stateDir);
        });
  }

  /** {@return the names of every registered hypervisor} */
  public Set<String> names() {
    return Set.copyOf(configs.keySet());
  }

  /**
   * {@return the session of hypervisor {@code name}, connecting on first use}
   *
   * @throws ConnectorException UNREACHABLE or REJECTED when it cannot connect
   */
  public HypervisorSession session(String name) {
    HypervisorConfig config = configs.get(name);
    if (config == null) {
      throw new ConnectorException(
          ConnectorException.Kind.REJECTED, "hypervisor " + name + " is not defined in the tree");
    }
    Connector connector = connectors.get(config.type());
    if (connector == null) {
      throw new ConnectorException(
          ConnectorException.Kind.REJECTED,
          "hypervisor " + name + ": type " + config.type() + " is not supported yet");
    }
    synchronized (sessions) {
      HypervisorSession session = sessions.get(name);
      if (session == null) {
        resolveEverySecret(config);
        session = connector.connect(config);
        sessions.put(name, session);
      }
      return session;
    }
  }

  /**
   * Resolves every secret reference of the entry before connecting, whether or not the connector
   * uses it: a reference that cannot be resolved is an error naming the hypervisor and the
   * reference (SPEC §2), on every type of hypervisor alike.
   */
  private static void resolveEverySecret(HypervisorConfig config) {
    config
        .settings()
        .forEach(
            (field, value) -> {
              if (value instanceof String text && SecretRef.parse(text).isPresent()) {
                config.secrets().apply(text);
              }
            });
  }

  /** {@return the semaphore that keeps calls to {@code name} within its {@code max_parallel}} */
  public Semaphore limit(String name) {
    return limits.computeIfAbsent(
        name,
        n -> {
          HypervisorConfig config = configs.get(n);
          long max =
              config == null
                  ? DEFAULT_MAX_PARALLEL
                  : config.number("max_parallel", DEFAULT_MAX_PARALLEL);
          return new Semaphore((int) Math.max(1, max), true);
        });
  }

  /** {@return the number of calls made to each hypervisor so far} */
  public Map<String, Long> calls() {
    Map<String, Long> calls = new java.util.TreeMap<>();
    sessions.forEach((name, session) -> calls.put(name, session.calls()));
    return calls;
  }

  private String resolve(String hypervisor, String text) {
    if (SecretRef.MASK.equals(text)) {
      throw new ConnectorException(
          ConnectorException.Kind.REJECTED,
          "hypervisor "
              + hypervisor
              + ": a literal secret is never stored in plans or state; write it as ${env:NAME}"
              + " or ${file:PATH} to apply a saved plan");
    }
    return SecretRef.parse(text)
        .map(
            ref -> {
              try {
                return ref.resolve(treeRoot, environment);
              } catch (IllegalStateException e) {
                throw new ConnectorException(
                    ConnectorException.Kind.REJECTED,
                    "hypervisor "
                        + hypervisor
                        + ": cannot resolve secret "
                        + ref
                        + ": "
                        + e.getMessage());
              }
            })
        .orElse(text);
  }

  @Override
  public void close() {
    sessions.values().forEach(HypervisorSession::close);
    sessions.clear();
  }
}
