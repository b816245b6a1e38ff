package io.vmtree.report;

import io.vmtree.definition.MemorySize;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

/** The one JSON mapper of the output: pretty, stable key order, sizes in canonical form. */
public final class Json {
  /** Shared, thread-safe mapper. */
  public static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .addModule(new SimpleModule("vmtree").addSerializer(MemorySize.class, new SizeWriter()))
          .build();

  private Json() {}

  /** {@return {@code value} as indented JSON} */
  public static String write(Object value) {
    return MAPPER.writeValueAsString(value);
  }

  private static final class SizeWriter extends ValueSerializer<MemorySize> {
    @Override
    public void serialize(MemorySize value, JsonGenerator gen, SerializationContext ctxt) {
      gen.writeString(value.canonical());
    }
  }
}
