package io.vmtree.definition;

import io.vmtree.diag.Origin;
import java.util.Objects;

/**
 * A value together with the place that set it. A null {@code value} is an explicit YAML {@code
 * null}: in a map entry it deletes what was inherited (SPEC §2).
 */
public record Valued<T>(T value, Origin origin) {
  public Valued {
    Objects.requireNonNull(origin, "origin");
  }

  /** {@return a value set at {@code origin}} */
  public static <T> Valued<T> of(T value, Origin origin) {
    return new Valued<>(value, origin);
  }

  /** {@return true when this is an explicit null that deletes an inherited entry} */
  public boolean isDelete() {
    return value == null;
  }

  /** {@return the same value, marked as having come through prototype {@code name}} */
  public Valued<T> via(String name) {
    return new Valued<>(value, origin.via(name));
  }
}
