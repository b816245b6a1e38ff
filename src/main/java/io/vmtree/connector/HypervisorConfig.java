package io.vmtree.connector;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * One hypervisor entry of the computed definition, ready to connect with.
 *
 * @param name the entry's name, e.g. {@code sim1}
 * @param type {@code sim}, {@code vmware} or {@code proxmox}
 * @param settings the entry's fields as written; strings may be secret references
 * @param secrets resolves a field's text ({@code ${env:X}}, {@code ${file:Y}} or a literal) to the
 *     secret; throws {@link ConnectorException} of kind REJECTED naming the reference, never the
 *     value
 * @param stateDir the local state directory, for connectors that keep files there (sim)
 */
public record HypervisorConfig(
    String name,
    String type,
    Map<String, Object> settings,
    UnaryOperator<String> secrets,
    Path stateDir) {
  public HypervisorConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    settings = Map.copyOf(settings);
    Objects.requireNonNull(secrets, "secrets");
  }

  /** {@return the text of {@code field}, secrets resolved, if set} */
  public Optional<String> secret(String field) {
    return string(field).map(secrets);
  }

  /** {@return the text of {@code field} as written, if set} */
  public Optional<String> string(String field) {
    return Optional.ofNullable(settings.get(field)).map(Object::toString);
  }

  /** {@return the integer {@code field}, or {@code fallback}} */
  public long number(String field, long fallback) {
    Object value = settings.get(field);
    return value instanceof Number n ? n.longValue() : fallback;
  }

  /** {@return the decimal {@code field}, or {@code fallback}} */
  public double decimal(String field, double fallback) {
    Object value = settings.get(field);
    return value instanceof Number n ? n.doubleValue() : fallback;
  }

  /** {@return the boolean {@code field}, or {@code fallback}} */
  public boolean flag(String field, boolean fallback) {
    Object value = settings.get(field);
    return value instanceof Boolean b ? b : fallback;
  }
}
