package io.vmtree.load;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtree.diag.Diagnostics;
import io.vmtree.diag.Origin;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.snakeyaml.engine.v2.nodes.Tag;
import tools.jackson.databind.JsonNode;

class YamlReaderTest {
  private static YamlDocument read(String yaml) {
    Diagnostics diagnostics = new Diagnostics();
    return new YamlReader()
        .parse(yaml.getBytes(UTF_8), "x.yaml", diagnostics)
        .orElseThrow(() -> new AssertionError("not read: " + diagnostics));
  }

  private static String errors(String yaml) {
    Diagnostics diagnostics = new Diagnostics();
    new YamlReader().parse(yaml.getBytes(UTF_8), "x.yaml", diagnostics);
    return diagnostics.toString();
  }

  private static JsonNode value(String scalar) {
    return read("k: " + scalar + "\n").root().get("k");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "0x10|16",
        "0x1F|31",
        "0o17|15",
        "012|12",
        "-012|-12",
        "+12|12",
        "0|0",
        "-7|-7",
        "123456789012345678901234567890|123456789012345678901234567890"
      })
  void plainIntegersFollowYaml12Core(String scalar, String expected) {
    JsonNode node = value(scalar);
    assertTrue(node.isIntegralNumber(), scalar + " read as " + node.getNodeType());
    assertEquals(new BigInteger(expected), node.bigIntegerValue());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "'0x10'",
        "\"0o17\"",
        "'012'",
        "0X10",
        "0o8",
        "0x",
        "1_000",
        "+0x10",
        "on",
        "yes",
        "'~'",
        "\"true\"",
        "!!str 0x10"
      })
  void quotedOrNonCoreScalarsStayStrings(String scalar) {
    JsonNode node = value(scalar);
    assertTrue(node.isString(), scalar + " read as " + node.getNodeType());
  }

  @ParameterizedTest
  @CsvSource({
    "'',NULL",
    "~,NULL",
    "Null,NULL",
    "nULL,STR",
    "TRUE,BOOL",
    "tRUE,STR",
    "yes,STR",
    "0,INT",
    "-0,INT",
    "+7,INT",
    "0o7,INT",
    "0o,STR",
    "0x,STR",
    "0xfF,INT",
    "0xG,STR",
    "-0o7,STR",
    "1_000,STR",
    "-,STR",
    "+,STR",
    "٣,STR",
    "1.,FLOAT",
    ".5,FLOAT",
    "-.5e-3,FLOAT",
    "1e3,FLOAT",
    "1E+3,FLOAT",
    "e3,STR",
    ".e3,STR",
    ".,STR",
    "1e,STR",
    "1.5.6,STR",
    "+.inf,FLOAT",
    "-.INF,FLOAT",
    ".NaN,FLOAT",
    "-.nan,STR",
    ".Nan,STR",
    "web1,STR",
    "2GiB,STR"
  })
  void resolvesPlainScalarsByTheCoreSchema(String scalar, String tag) {
    assertEquals(
        tag, CoreScalars.resolve(scalar, true).getValue().replaceAll(".*:", "").toUpperCase());
    assertEquals(Tag.STR, CoreScalars.resolve(scalar, false));
  }

  @Test
  void blockScalarsStayStrings() {
    assertEquals("0x10\n", read("k: |\n  0x10\n").root().get("k").asString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"~", "null", "Null", "NULL", ""})
  void coreNulls(String scalar) {
    assertTrue(value(scalar).isNull(), scalar);
  }

  @ParameterizedTest
  @CsvSource({"true,true", "True,true", "TRUE,true", "false,false", "False,false"})
  void coreBooleans(String scalar, boolean expected) {
    JsonNode node = value(scalar);
    assertTrue(node.isBoolean(), scalar);
    assertEquals(expected, node.booleanValue());
  }

  @Test
  void coreFloats() {
    assertEquals(0, value("1.5").decimalValue().compareTo(new java.math.BigDecimal("1.5")));
    assertEquals(Double.POSITIVE_INFINITY, value(".inf").doubleValue());
    assertEquals(Double.NEGATIVE_INFINITY, value("-.Inf").doubleValue());
    assertTrue(Double.isNaN(value(".NaN").doubleValue()));
  }

  @Test
  void itemsOfFlowListsAreTypedOneByOne() {
    JsonNode list = value("[0x10, '0x10', 0o7]");
    assertTrue(list.get(0).isIntegralNumber());
    assertTrue(list.get(1).isString());
    assertEquals(7, list.get(2).intValue());
  }

  @Test
  void keepsThePositionOfKeysAndValues() {
    YamlDocument doc = read("definition:\n  vcpu: 0x2\n  tags: {a: b}\n");
    assertEquals(Origin.of("x.yaml", 2, 3), doc.origin("/definition/vcpu"));
    assertEquals(Origin.of("x.yaml", 2, 9), doc.valueOrigin("/definition/vcpu"));
    assertEquals(Origin.of("x.yaml", 3, 10), doc.origin("/definition/tags/a"));
  }

  @Test
  void reportsProblemsAtTheirPosition() {
    assertEquals("x.yaml:2:1: duplicate key \"a\" (first at x.yaml:1:1)", errors("a: 1\na: 2\n"));
    assertTrue(errors("a: 1\n---\nb: 2\n").contains("found a second one"));
    assertEquals("x.yaml:2:3: file contains a NUL byte", errors("a: 1\nb:\0\n"));
    assertTrue(
        errors("k: " + "1".repeat(150) + "\n").contains("invalid YAML: Number value length"));
  }
}
