package io.vmtree.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.vmtree.engine.DriftReport;
import io.vmtree.engine.Engine;
import io.vmtree.engine.EngineScenario;
import io.vmtree.report.DriftSarif;
import io.vmtree.state.LocalStateBackend;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every format of {@code vmtree drift}, written in one run through the CLI, checked against its
 * standard: JUnit XML parsed by the JDK's XML parser and validated against Jenkins' {@code
 * junit-10.xsd}; SARIF against the OASIS SARIF 2.1.0 JSON schema (networknt); the Markdown table's
 * shape. The schemas are in {@code src/test/resources/schemas/} (see its README).
 */
class DriftFormatsTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path dir;
  EngineScenario s;
  Path out;

  /**
   * Every drift kind at once: /app/web1 changed (vcpu, tags.env), /app/web2 missing, /app/web3
   * changed only in an ignored field, /db/pg1 unreachable (sim2 down), an unmanaged and an orphaned
   * VM on sim1.
   */
  @BeforeEach
  void everyKindOfDrift() {
    s =
        new EngineScenario(dir)
            .write(
                "_folder.yaml",
                EngineScenario.rootFolder("latency_ms: 0") + "  tags: {env: lab}\n",
                "app/web1.yaml",
                "definition:\n  vcpu: 2\n",
                "app/web2.yaml",
                "definition: {}\n",
                "app/web3.yaml",
                "definition: {}\nlifecycle: {ignore_changes: [power]}\n",
                "db/pg1.yaml",
                "definition: {use_hypervisor: sim2}\n");
    s.apply();
    Map<String, Map<String, Object>> vms = s.vmsByMarker("sim1");
    s.ok("sim", "set", "sim1", vms.get("/app/web1").get("id").toString(), "vcpu=8", "tags.env=x");
    s.ok("sim", "rm", "sim1", vms.get("/app/web2").get("id").toString());
    s.ok("sim", "set", "sim1", vms.get("/app/web3").get("id").toString(), "power=off");
    s.ok("sim", "add", "sim1", "handmade");
    s.ok("sim", "add", "sim1", "leftover", "marker=/old/leftover");
    s.ok("sim", "down", "sim2");
    out = dir.resolve("reports");
  }

  /** {@code drift TREE} with every format: text on stdout, the others to files. */
  private CliRun driftAllFormats() {
    return s.expect(
        2,
        "drift",
        "TREE",
        "--format",
        "text",
        "--format",
        "json",
        "--output",
        out.resolve("drift.json").toString(),
        "--format",
        "junit",
        "--output",
        out.resolve("drift.xml").toString(),
        "--format",
        "markdown",
        "--output",
        out.resolve("drift.md").toString(),
        "--format",
        "sarif",
        "--output",
        out.resolve("drift.sarif").toString());
  }

  @Test
  void severalFormatsInOneRunEachToItsFile() throws IOException {
    CliRun run = driftAllFormats();

    assertTrue(run.out().startsWith("Drift: the hypervisors differ"), run.out());
    for (String file : List.of("drift.json", "drift.xml", "drift.md", "drift.sarif")) {
      assertTrue(Files.isRegularFile(out.resolve(file)), file);
      assertTrue(run.err().contains("report to " + out.resolve(file)), run.err());
    }
    JsonNode json = JSON.readTree(Files.readString(out.resolve("drift.json")));
    assertEquals("1", json.get("format_version").asString());
    assertEquals(6, json.get("drift").size(), json::toString);
    assertTrue(run.err().contains("Refreshed 2 hypervisor(s)"), run.err());
  }

  @Test
  void oneFormatWithoutOutputGoesToStdout() throws IOException {
    CliRun junit = s.expect(2, "drift", "TREE", "--format", "JUNIT");
    CliRun toFile =
        s.expect(
            2, "drift", "TREE", "--format", "markdown", "--output", out.resolve("x.md").toString());

    assertTrue(junit.out().startsWith("<?xml"), junit.out());
    assertEquals("", toFile.out(), "nothing on stdout when the only format went to a file");
    assertTrue(Files.readString(out.resolve("x.md")).startsWith("### vmtree drift"));
  }

  @Test
  void anOutputWithoutAFormatIsAUsageErrorSaidOnce() {
    CliRun run = s.expect(1, "drift", "TREE", "--output", out.resolve("x.txt").toString());

    assertTrue(run.err().startsWith("error: Missing required argument"), run.err());
    assertTrue(run.err().contains("Usage: vmtree drift"), run.err());
  }

  @Test
  void junitIsValidAgainstTheJunitSchemaWithOneTestCasePerDescriptor() throws Exception {
    driftAllFormats();
    String xml = Files.readString(out.resolve("drift.xml"));

    junitSchema().validate(new StreamSource(new StringReader(xml)));
    Document doc =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(new InputSource(new StringReader(xml)));

    Element root = doc.getDocumentElement();
    assertEquals("testsuites", root.getTagName());
    NodeList suites = root.getElementsByTagName("testsuite");
    assertEquals(2, suites.getLength());
    Element descriptors = (Element) suites.item(0);
    assertEquals("vmtree drift: descriptors", descriptors.getAttribute("name"));
    Map<String, String> outcomes = outcomes(descriptors);
    assertEquals(
        Map.of(
            "/app/web1", "failure:changed",
            "/app/web2", "failure:missing",
            "/app/web3", "passed",
            "/db/pg1", "failure:unreachable"),
        outcomes);
    assertEquals("4", descriptors.getAttribute("tests"));
    assertEquals("3", descriptors.getAttribute("failures"));
    Element web3 = testcase(descriptors, "/app/web3");
    assertTrue(
        web3.getElementsByTagName("system-out").item(0).getTextContent().contains("power"),
        "ignored drift is noted, not failed");
    Element web1Failure =
        (Element) testcase(descriptors, "/app/web1").getElementsByTagName("failure").item(0);
    assertTrue(web1Failure.getTextContent().contains("vcpu: expected 2, actual 8"), xml);
    assertTrue(web1Failure.getTextContent().contains("# app/web1.yaml:2"), xml);
    Element hypervisors = (Element) suites.item(1);
    assertEquals(
        Map.of("sim1", "failure:unmanaged", "sim2", "failure:unreachable"), outcomes(hypervisors));
    assertEquals("6", root.getAttribute("tests"));
    assertEquals("5", root.getAttribute("failures"));
  }

  @Test
  void theJunitSchemaRejectsWhatItShould() throws Exception {
    Validator validator = junitSchema();

    assertThrows(
        SAXException.class,
        () ->
            validator.validate(
                new StreamSource(
                    new StringReader(
                        "<testsuites><testsuite name=\"x\" tests=\"1\" failures=\"0\">"
                            + "<testcase/></testsuite></testsuites>"))));
  }

  @Test
  void sarifIsValidAgainstTheSarif210Schema() throws IOException {
    driftAllFormats();
    JsonNode sarif = JSON.readTree(Files.readString(out.resolve("drift.sarif")));

    List<Error> errors = sarifSchema().validate(sarif);

    assertEquals(List.of(), errors.stream().map(Error::toString).toList());
    JsonNode run = sarif.get("runs").get(0);
    List<String> rules = new ArrayList<>();
    run.get("tool").get("driver").get("rules").forEach(r -> rules.add(r.get("name").asString()));
    assertEquals(List.of("changed", "missing", "unreachable", "unmanaged", "orphaned"), rules);
    Map<String, JsonNode> byMessage = new TreeMap<>();
    run.get("results").forEach(r -> byMessage.put(r.get("message").get("text").asString(), r));
    // web1 vcpu + tags.env, web2, web3 power (suppressed), pg1, handmade, leftover
    assertEquals(7, byMessage.size(), byMessage.keySet()::toString);
    JsonNode vcpu = result(byMessage, "/app/web1: vcpu is 8");
    assertEquals("error", vcpu.get("level").asString());
    assertEquals(2, region(vcpu).get("startLine").asInt());
    assertTrue(uri(vcpu).endsWith("app/web1.yaml"), uri(vcpu));
    JsonNode env = result(byMessage, "/app/web1: tags.env is");
    assertTrue(uri(env).endsWith("_folder.yaml"), uri(env));
    assertEquals(9, region(env).get("startLine").asInt());
    JsonNode power = result(byMessage, "/app/web3: power is");
    assertEquals("external", power.get("suppressions").get(0).get("kind").asString());
    JsonNode missing = result(byMessage, "/app/web2: VM");
    assertTrue(uri(missing).endsWith("app/web2.yaml"), "at the descriptor's file");
    JsonNode unmanaged = result(byMessage, "sim1:handmade");
    assertTrue(uri(unmanaged).endsWith("_folder.yaml"), "at the hypervisor's entry");
    assertEquals(3, region(unmanaged).get("startLine").asInt());
  }

  @Test
  void sarifLocationsAreRelativeToWhereVmtreeRuns() {
    DriftReport report = Engine.create().drift(s.tree(), LocalStateBackend.of(s.state()));

    Map<String, Object> sarif = DriftSarif.render(report, dir, "test");
    JsonNode node = JSON.valueToTree(sarif);

    assertEquals(List.of(), sarifSchema().validate(node).stream().map(Error::toString).toList());
    JsonNode run = node.get("runs").get(0);
    assertEquals(
        dir.toUri().toString(),
        run.get("originalUriBaseIds").get("%SRCROOT%").get("uri").asString());
    JsonNode artifact =
        run.get("results")
            .get(0)
            .get("locations")
            .get(0)
            .get("physicalLocation")
            .get("artifactLocation");
    assertTrue(artifact.get("uri").asString().startsWith("tree/"), artifact::toString);
    assertEquals("%SRCROOT%", artifact.get("uriBaseId").asString());
  }

  @Test
  void theSarifSchemaRejectsWhatItShould() {
    JsonNode broken = JSON.readTree("{\"version\": \"2.0.0\", \"runs\": [{\"results\": []}]}");

    assertFalse(sarifSchema().validate(broken).isEmpty());
  }

  @Test
  void markdownIsATableFitForAPullRequestComment() throws IOException {
    driftAllFormats();
    List<String> lines = Files.readAllLines(out.resolve("drift.md"));

    assertEquals("### vmtree drift", lines.get(0));
    assertTrue(lines.get(2).startsWith("**Drift found:** 5 to look at."), lines.get(2));
    int header =
        lines.indexOf(
            "| Status | Descriptor or VM | Kind | Field | Expected | Actual | Expected value set at |");
    assertTrue(header > 0, lines::toString);
    assertEquals("|---|---|---|---|---|---|---|", lines.get(header + 1));
    List<String> rows = new ArrayList<>();
    for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      rows.add(lines.get(i));
    }
    // one row per drifted field (web1 vcpu, web1 tags.env, web3 power), one per other drift
    assertEquals(7, rows.size(), rows::toString);
    for (String row : rows) {
      assertTrue(row.endsWith(" |"), row);
      assertEquals(8, row.replace("\\|", "").chars().filter(c -> c == '|').count(), row);
    }
    assertTrue(
        rows.contains(
            "| **drift** | `/app/web1` | changed | `vcpu` | `2` | `8` | `app/web1.yaml:2` |"),
        rows::toString);
    assertTrue(
        rows.stream().anyMatch(r -> r.startsWith("| ignored | `/app/web3` |")), rows::toString);
  }

  @Test
  void aStringWithAQuoteAPipeOrALineBreakIsShownEscapedAsInJson() {
    String web1 = s.vmsByMarker("sim1").get("/app/web1").get("id").toString();
    s.ok("sim", "set", "sim1", web1, "tags.env=say \"hi\" | bye\ntwo");

    String text = s.expect(2, "drift", "TREE").out();
    assertTrue(
        text.contains("tags.env: expected \"lab\", actual \"say \\\"hi\\\" | bye\\ntwo\""), text);
    String md = s.expect(2, "drift", "TREE", "--format", "markdown").out();
    assertTrue(md.contains("| `tags.env` | `\"lab\"` | `\"say \\\"hi\\\" \\| bye\\ntwo\"` |"), md);
  }

  @Test
  void planMarkdownShowsTheDriftTableBeforeTheChanges() {
    CliRun run = s.expect(2, "plan", "TREE", "--format", "markdown", "--detailed-exitcode");

    String md = run.out();
    assertTrue(
        md.startsWith("### vmtree plan\n\nPlan: 0 to provision, 1 to deploy, 1 to update"), md);
    int drift = md.indexOf("| **drift** | `/app/web1` | changed | `vcpu` | `2` | `8` |");
    int changes = md.indexOf("| Action | Path | Why |\n|---|---|---|\n");
    assertTrue(drift > 0 && changes > drift, md);
    assertTrue(md.contains("| deploy | `/app/web2` | VM missing (`app/web2.yaml:1`) |"), md);
    assertTrue(md.contains("| update | `/app/web1` | `vcpu`: `8` → `2`"), md);
    assertEquals("", run.err(), "no progress lines around a comment body");
  }

  private static Validator junitSchema() throws SAXException {
    SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
    return factory
        .newSchema(DriftFormatsTest.class.getResource("/schemas/junit-10.xsd"))
        .newValidator();
  }

  private static Schema sarifSchema() {
    try (InputStream in =
        DriftFormatsTest.class.getResourceAsStream("/schemas/sarif-schema-2.1.0.json")) {
      Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(in);
      schema.initializeValidators();
      return schema;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Map<String, String> outcomes(Element suite) {
    Map<String, String> outcomes = new TreeMap<>();
    NodeList cases = suite.getElementsByTagName("testcase");
    for (int i = 0; i < cases.getLength(); i++) {
      Element c = (Element) cases.item(i);
      NodeList failures = c.getElementsByTagName("failure");
      outcomes.put(
          c.getAttribute("name"),
          failures.getLength() == 0
              ? "passed"
              : "failure:" + ((Element) failures.item(0)).getAttribute("type"));
    }
    return outcomes;
  }

  private static Element testcase(Element suite, String name) {
    NodeList cases = suite.getElementsByTagName("testcase");
    for (int i = 0; i < cases.getLength(); i++) {
      if (((Element) cases.item(i)).getAttribute("name").equals(name)) {
        return (Element) cases.item(i);
      }
    }
    throw new AssertionError("no testcase " + name);
  }

  private static JsonNode result(Map<String, JsonNode> byMessage, String prefix) {
    return byMessage.entrySet().stream()
        .filter(e -> e.getKey().startsWith(prefix))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no result " + prefix + " in " + byMessage.keySet()));
  }

  private static JsonNode physical(JsonNode result) {
    return result.get("locations").get(0).get("physicalLocation");
  }

  private static String uri(JsonNode result) {
    return physical(result).get("artifactLocation").get("uri").asString();
  }

  private static JsonNode region(JsonNode result) {
    return physical(result).get("region");
  }
}
