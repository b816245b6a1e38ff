package io.vmtree.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtree.definition.MemorySize;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonAnswerTest {
  @Test
  void aFieldRenderedOnceIsSplicedInAsTheSameTextAsTheValueItself() {
    Map<String, Object> definition = new LinkedHashMap<>();
    definition.put("use_hypervisor", "sim1");
    definition.put("vcpu", 2);
    definition.put("memory", MemorySize.parse("2GiB"));
    definition.put("tags", Map.of("role", "web \"front\" é\n"));
    definition.put("networks", List.of(Map.of("name", "lan"), Map.of()));
    definition.put("empty", Map.of());
    definition.put("none", List.of());
    for (Object value : List.of(definition, Map.of(), List.of(), "text", 7)) {
      Map<String, Object> plain = new LinkedHashMap<>();
      plain.put("full_name", "/web/web1");
      plain.put("computed_definition", value);
      plain.put("in_tree", true);
      Map<String, Object> spliced = new LinkedHashMap<>(plain);
      spliced.put("computed_definition", JsonAnswer.field(value));

      String expected = new String(JsonAnswer.line(plain), StandardCharsets.UTF_8);
      assertEquals(expected, new String(JsonAnswer.line(spliced), StandardCharsets.UTF_8));
      assertTrue(expected.endsWith("}\n") && expected.contains("\"computed_definition\" : "));
    }
  }
}
