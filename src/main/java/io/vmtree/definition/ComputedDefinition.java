package io.vmtree.definition;

import io.vmtree.diag.Origin;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The result of the cascade for one descriptor (SPEC §3): a flat, ordered map of parameter to
 * value, and the origin of every value. Keys are the SPEC's parameter names ({@code vcpu}, {@code
 * memory}, {@code use_hypervisor}, {@code hypervisor_type}, {@code host}, ...). Tags are one value
 * (a map); their origins are kept per tag under {@code tags.KEY}.
 *
 * <p>Values are JSON-friendly: {@code String}, {@code Integer}/{@code Long}, {@code Boolean},
 * {@code List<String>}, {@code Map<String,String>}, and {@link MemorySize} for {@code memory}.
 * Secrets appear as their reference text ({@code ${env:NAME}}), never resolved.
 */
public record ComputedDefinition(Map<String, Object> values, Map<String, Origin> origins) {
  /** Parameters a descriptor with {@code target: deployed} must end up with (SPEC §3.6). */
  public static final List<String> REQUIRED_TO_DEPLOY =
      List.of("use_hypervisor", "base_image", "vcpu", "memory");

  public ComputedDefinition {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    origins = Collections.unmodifiableMap(new LinkedHashMap<>(origins));
  }

  /** {@return the value of {@code parameter}, if set} */
  public Optional<Object> get(String parameter) {
    return Optional.ofNullable(values.get(parameter));
  }

  /** {@return the origin of {@code parameter} (or {@code tags.KEY}), if set} */
  public Optional<Origin> origin(String parameter) {
    return Optional.ofNullable(origins.get(parameter));
  }

  /** {@return the text of {@code parameter}, if set} */
  public Optional<String> string(String parameter) {
    return get(parameter).map(Object::toString);
  }

  /** {@return the number of virtual CPUs, if set} */
  public Optional<Integer> vcpu() {
    return get("vcpu").map(v -> ((Number) v).intValue());
  }

  /** {@return the memory size, if set} */
  public Optional<MemorySize> memory() {
    return get("memory").map(MemorySize.class::cast);
  }

  /** {@return the desired power state; {@code on} when unset} */
  public Power power() {
    return get("power")
        .map(p -> Power.valueOf(p.toString().toUpperCase(java.util.Locale.ROOT)))
        .orElse(Power.ON);
  }

  /** {@return the tags, empty when none} */
  @SuppressWarnings("unchecked")
  public Map<String, String> tags() {
    return (Map<String, String>) values.getOrDefault("tags", Map.of());
  }

  /**
   * {@return a copy fit for output, state and plans: literal secrets (a {@code password} or {@code
   * token_secret} that is not a {@code ${env:...}}/{@code ${file:...}} reference) replaced by
   * {@value SecretRef#MASK}}
   */
  public ComputedDefinition redacted() {
    Map<String, Object> masked = new LinkedHashMap<>(values);
    boolean changed = false;
    for (String field : SecretRef.SECRET_FIELDS) {
      Object value = masked.get(field);
      if (value instanceof String text && SecretRef.parse(text).isEmpty()) {
        masked.put(field, SecretRef.MASK);
        changed = true;
      }
    }
    return changed ? new ComputedDefinition(masked, origins) : this;
  }

  /**
   * {@return the values as plain, JSON-friendly data, as kept in state ({@code deployed_config})
   * and plan files: memory in canonical form, literal secrets masked}
   */
  public Map<String, Object> config() {
    Map<String, Object> plain = new LinkedHashMap<>();
    redacted()
        .values
        .forEach((k, v) -> plain.put(k, v instanceof MemorySize m ? m.canonical() : v));
    return plain;
  }
}
