package io.vmtree.load;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.vmtree.diag.Diagnostic;
import io.vmtree.diag.Diagnostics;
import io.vmtree.load.SchemaValidator.Kind;
import io.vmtree.load.SchemaValidator.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class SchemaValidatorTest {
  private static final SchemaValidator VALIDATOR = SchemaValidator.load();
  private static final Path SCHEMAS = Path.of("schemas");
  private static final Path EXAMPLES = Path.of("examples");

  /** {@return the errors for {@code yaml} as printed; cells write a newline as {@code \n}} */
  private static List<String> check(String yaml, Kind kind) {
    Diagnostics diagnostics = new Diagnostics();
    YamlDocument doc =
        new YamlReader()
            .parse(yaml.replace("\\n", "\n").getBytes(UTF_8), "x.yaml", diagnostics)
            .orElseThrow(() -> new AssertionError("not YAML: " + diagnostics));
    boolean valid = VALIDATOR.validate(doc, kind, diagnostics);
    List<String> printed = diagnostics.sorted().stream().map(Diagnostic::format).toList();
    assertEquals(printed.isEmpty(), valid, "validate() must return false exactly on errors");
    return printed;
  }

  @Test
  void loadIsDoneOnceAndShared() {
    assertSame(VALIDATOR, SchemaValidator.load());
  }

  @Nested
  class ValidDocuments {
    @ParameterizedTest(name = "{0}")
    @CsvSource(
        delimiter = '|',
        quoteCharacter = '`',
        textBlock =
            """
            an empty file                          | ``
            every top-level key                    | definition: {vcpu: 2}\\ntarget: provisioned\\ndepends_on: [/db/pg1, /lab/web.1]\\nlifecycle: {prevent_destroy: true, keep_disks: false, ignore_changes: [power, tags], allow_reboot: true}
            target deployed                        | target: deployed
            every scalar parameter                 | definition: {use_hypervisor: esx-1, use_prototype: small, base_image: debian-12, vcpu: 768, memory: 4096, power: off, description: a VM}
            memory with a unit and spaces          | definition: {memory: ' 4 GiB '}
            memory in MiB                          | definition: {memory: 1536MiB}
            memory of one TiB                      | definition: {memory: 1TiB}
            the largest memory in MiB              | definition: {memory: 1099511627776}
            power on, plain                        | definition: {power: on}
            power off, quoted                      | definition: {power: "off"}
            power as a boolean                     | definition: {power: false}
            a whole decimal vcpu is an integer     | definition: {vcpu: 2.0}
            tags, one removed with null            | definition: {tags: {env: lab, cost_center: "4711", backup: null}}
            an empty allow list                    | definition: {filter_hypervisors_allow: []}
            an allow list of names                 | definition: {filter_hypervisors_allow: [sim1, esx_2.lab]}
            null removes inherited entries         | definition: {hypervisors: {old: ~}, prototypes: {gone: null}}
            an entry overriding one field          | definition: {hypervisors: {sim1: {max_parallel: 8}}}
            every field of an entry removed        | definition: {hypervisors: {h: {type: ~, host: ~, user: ~, password: ~, max_parallel: ~, insecure: ~, latency_ms: ~, fail_rate: ~, seed: ~, dir: ~}}}
            a vmware entry with secrets            | definition: {hypervisors: {vc: {type: vmware, host: vc.lab, user: '${env:VC_USER}', password: '${file:secrets/vc}', datacenter: DC, cluster: C, resource_pool: RP, datastore: DS, vm_folder: F, insecure: true}}}
            a proxmox entry with a token           | definition: {hypervisors: {pve: {type: proxmox, host: pve.lab, node: pve1, storage: local-lvm, pool: lab, token_id: 'root@pam!vmtree', token_secret: '${env:PVE_TOKEN}', insecure: false}}}
            a sim entry                            | definition: {hypervisors: {sim: {type: sim, latency_ms: 0, fail_rate: 0.25, seed: -7, dir: /tmp/sim, max_parallel: 1}}}
            fields of several types in one entry   | definition: {hypervisors: {h: {datacenter: DC, node: n1, latency_ms: 5}}}
            prototypes with nullable fields        | definition: {prototypes: {small: {base_image: debian-12, vcpu: 1, memory: 2GiB}, big: {vcpu: ~, memory: ~, base_image: ~}}}
            a name of 63 characters                | definition: {use_prototype: a23456789012345678901234567890123456789012345678901234567890123}
            ignore_changes empty                   | lifecycle: {ignore_changes: []}
            """)
    void descriptorIsValid(String reason, String yaml) {
      assertEquals(List.of(), check(yaml, Kind.DESCRIPTOR));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
        delimiter = '|',
        quoteCharacter = '`',
        textBlock =
            """
            an empty file                          | ``
            a definition only                      | definition: {use_hypervisor: sim1, tags: {role: db}}
            inline descriptors                     | vms:\\n  web1: {definition: {use_prototype: small}, depends_on: [/db/pg1]}\\n  web2: {target: provisioned}
            an inline descriptor with no keys      | vms: {web1: {}}
            moves, absolute and relative           | moved:\\n  - {from: www1, to: /web/web1}\\n  - {from: /old/db, to: db}
            everything                             | definition: {vcpu: 1}\\nvms: {a: {lifecycle: {keep_disks: true}}}\\nmoved: []
            """)
    void folderIsValid(String reason, String yaml) {
      assertEquals(List.of(), check(yaml, Kind.FOLDER));
    }
  }

  @Nested
  class Errors {
    @ParameterizedTest(name = "{0}")
    @CsvSource(
        delimiter = '|',
        quoteCharacter = '`',
        textBlock =
            """
            unknown top-level key                 | definition: {}\\nextra: 1                      | x.yaml:2:1: unknown key "extra" in descriptor
            unknown key in definition             | definition:\\n    base_image: debian-12\\n    vcpus: 2 | x.yaml:3:5: unknown key "vcpus" in definition
            definition not a mapping              | definition: [vcpu]                             | x.yaml:1:1: definition: expected a mapping, got a list
            definition null                       | definition:                                    | x.yaml:1:1: definition: expected a mapping, got null
            vcpu a word                           | definition:\\n  vcpu: "two"                    | x.yaml:2:3: vcpu: expected an integer, got string "two"
            vcpu zero                             | definition: {vcpu: 0}                          | x.yaml:1:14: vcpu: must be >= 1
            vcpu too many                         | definition: {vcpu: 769}                        | x.yaml:1:14: vcpu: must be <= 768
            vcpu a fraction                       | definition: {vcpu: 2.5}                        | x.yaml:1:14: vcpu: expected an integer, got number 2.5
            vcpu null                             | definition: {vcpu: ~}                          | x.yaml:1:14: vcpu: expected an integer, got null
            memory with a decimal unit            | definition: {memory: 4GB}                      | x.yaml:1:14: memory: invalid size "4GB" (use MiB, GiB or TiB, e.g. "4GiB")
            memory with a lowercase unit          | definition: {memory: 4gib}                     | x.yaml:1:14: memory: invalid size "4gib" (use MiB, GiB or TiB, e.g. "4GiB")
            memory a fraction of a unit           | definition: {memory: 1.5GiB}                   | x.yaml:1:14: memory: invalid size "1.5GiB" (use MiB, GiB or TiB, e.g. "4GiB")
            memory zero                           | definition: {memory: 0}                        | x.yaml:1:14: memory: must be >= 1
            memory beyond 1 EiB                   | definition: {memory: 1099511627777}            | x.yaml:1:14: memory: must be <= 1099511627776
            memory a boolean                      | definition: {memory: true}                     | x.yaml:1:14: memory: expected an integer or a string, got boolean true
            memory a fraction                     | definition: {memory: 1.5}                      | x.yaml:1:14: memory: expected an integer or a string, got number 1.5
            power a word                          | definition: {power: maybe}                     | x.yaml:1:14: power: must be one of on, off, true, false
            power a number                        | definition: {power: 1}                         | x.yaml:1:14: power: must be one of on, off, true, false
            power yes is a string in YAML 1.2     | definition: {power: yes}                       | x.yaml:1:14: power: must be one of on, off, true, false
            base_image a number                   | definition: {base_image: 12}                   | x.yaml:1:14: base_image: expected a string, got integer 12
            description a mapping                 | definition: {description: {a: b}}              | x.yaml:1:14: description: expected a string, got a mapping
            use_hypervisor a bad name             | definition: {use_hypervisor: "esx 1"}          | x.yaml:1:14: invalid name "esx 1" (letters, digits, '.', '_' or '-', starting with a letter or digit)
            use_prototype a number                | definition: {use_prototype: 5}                 | x.yaml:1:14: use_prototype: expected a string, got integer 5
            a name starting with a symbol         | definition: {use_prototype: .small}            | x.yaml:1:14: invalid name ".small" (letters, digits, '.', '_' or '-', starting with a letter or digit)
            a name of 64 characters               | definition: {use_prototype: a234567890123456789012345678901234567890123456789012345678901234} | x.yaml:1:14: invalid name "a23456789012345678901234567890123456789012345678901234567890..." (at most 63 characters)
            allow list not a list                 | definition: {filter_hypervisors_allow: sim1}   | x.yaml:1:14: filter_hypervisors_allow: expected a list, got string "sim1"
            allow list with a bad name            | definition: {filter_hypervisors_allow: [a, "b c"]} | x.yaml:1:44: invalid name "b c" (letters, digits, '.', '_' or '-', starting with a letter or digit)
            allow list with a number              | definition:\\n  filter_hypervisors_allow:\\n    - 3 | x.yaml:3:7: filter_hypervisors_allow[0]: expected a string, got integer 3
            tags not a mapping                    | definition: {tags: [a]}                        | x.yaml:1:14: tags: expected a mapping, got a list
            a tag value a number                  | definition:\\n  tags:\\n    cost_center: 4711  | x.yaml:3:5: tag "cost_center": expected a string, got integer 4711
            hypervisor with a bad name            | definition:\\n  hypervisors:\\n    "bad name!": {type: sim} | x.yaml:3:5: invalid name "bad name!" (letters, digits, '.', '_' or '-', starting with a letter or digit)
            hypervisors not a mapping             | definition: {hypervisors: [esx]}               | x.yaml:1:14: hypervisors: expected a mapping, got a list
            hypervisor entry a string             | definition: {hypervisors: {esx: vc.lab}}       | x.yaml:1:28: hypervisor "esx": expected a mapping, got string "vc.lab"
            hypervisor of an unknown type         | definition: {hypervisors: {esx: {type: vsphere}}} | x.yaml:1:34: type: must be one of vmware, proxmox, sim
            hypervisor with an unknown field      | definition:\\n  hypervisors:\\n    esx:\\n      type: vmware\\n      port: 443 | x.yaml:5:7: unknown key "port" in hypervisor "esx"
            hypervisor max_parallel zero          | definition: {hypervisors: {h: {max_parallel: 0}}} | x.yaml:1:32: max_parallel: must be >= 1
            hypervisor max_parallel a word        | definition: {hypervisors: {h: {max_parallel: many}}} | x.yaml:1:32: max_parallel: expected an integer, got string "many"
            sim latency negative                  | definition: {hypervisors: {h: {latency_ms: -1}}} | x.yaml:1:32: latency_ms: must be >= 0
            sim fail_rate above one               | definition: {hypervisors: {h: {fail_rate: 1.5}}} | x.yaml:1:32: fail_rate: must be <= 1
            sim fail_rate negative                | definition: {hypervisors: {h: {fail_rate: -0.1}}} | x.yaml:1:32: fail_rate: must be >= 0
            sim seed a word                       | definition: {hypervisors: {h: {seed: abc}}}    | x.yaml:1:32: seed: expected an integer, got string "abc"
            insecure a word                       | definition: {hypervisors: {h: {insecure: "yes"}}} | x.yaml:1:32: insecure: expected a boolean, got string "yes"
            host a number                         | definition: {hypervisors: {h: {host: 10}}}     | x.yaml:1:32: host: expected a string, got integer 10
            prototype with an unknown field       | definition: {prototypes: {small: {power: on}}} | x.yaml:1:35: unknown key "power" in prototype "small"
            prototype entry a list                | definition: {prototypes: {small: [1]}}         | x.yaml:1:27: prototype "small": expected a mapping, got a list
            prototype with a bad name             | definition: {prototypes: {-x: {}}}             | x.yaml:1:27: invalid name "-x" (letters, digits, '.', '_' or '-', starting with a letter or digit)
            prototype memory with a bad unit      | definition: {prototypes: {small: {memory: 4 GB}}} | x.yaml:1:35: memory: invalid size "4 GB" (use MiB, GiB or TiB, e.g. "4GiB")
            prototype memory a word               | definition: {prototypes: {small: {memory: no}}} | x.yaml:1:35: memory: invalid size "no" (use MiB, GiB or TiB, e.g. "4GiB")
            prototype memory a boolean            | definition: {prototypes: {small: {memory: false}}} | x.yaml:1:35: memory: expected an integer or a string, got boolean false
            prototype vcpu zero                   | definition: {prototypes: {small: {vcpu: 0}}}   | x.yaml:1:35: vcpu: must be >= 1
            prototype vcpu a word                 | definition: {prototypes: {small: {vcpu: one}}} | x.yaml:1:35: vcpu: expected an integer, got string "one"
            target misspelt                       | target: deploy                                 | x.yaml:1:1: target: must be one of deployed, provisioned
            depends_on not a list                 | depends_on: /db/pg1                            | x.yaml:1:1: depends_on: expected a list, got string "/db/pg1"
            depends_on a relative path            | depends_on: [/db/pg1, pg2]                     | x.yaml:1:23: invalid path "pg2" (an absolute path of names, such as /lab/db/pg1)
            depends_on a path with a bad name     | depends_on: ["/db/pg 1"]                       | x.yaml:1:14: invalid path "/db/pg 1" (an absolute path of names, such as /lab/db/pg1)
            depends_on the root                   | depends_on: [/]                                | x.yaml:1:14: invalid path "/" (an absolute path of names, such as /lab/db/pg1)
            depends_on a number                   | depends_on: [1]                                | x.yaml:1:14: depends_on[0]: expected a string, got integer 1
            lifecycle null                        | lifecycle: ~                                   | x.yaml:1:1: lifecycle: expected a mapping, got null
            lifecycle with an unknown key         | lifecycle: {prevent_destroy: true, protect: true} | x.yaml:1:36: unknown key "protect" in lifecycle
            lifecycle flag a word                 | lifecycle: {keep_disks: "yes"}                 | x.yaml:1:13: keep_disks: expected a boolean, got string "yes"
            ignore_changes an unknown parameter   | lifecycle: {ignore_changes: [vcpus]}           | x.yaml:1:30: ignore_changes[0]: must be one of hypervisors, use_hypervisor, filter_hypervisors_allow, prototypes, use_prototype, base_image, vcpu, memory, power, tags, description
            """)
    void descriptorErrorIsReportedAtTheKey(String reason, String yaml, String expected) {
      assertEquals(List.of(expected), check(yaml, Kind.DESCRIPTOR));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
        delimiter = '|',
        quoteCharacter = '`',
        textBlock =
            """
            a descriptor key in a folder          | target: deployed                              | x.yaml:1:1: unknown key "target" in folder
            unknown key in the folder definition  | definition: {cpus: 4}                         | x.yaml:1:14: unknown key "cpus" in definition
            vms not a mapping                     | vms: [web1]                                   | x.yaml:1:1: vms: expected a mapping, got a list
            an inline descriptor that is null     | vms:\\n  web1:                                | x.yaml:2:3: vm "web1": expected a mapping, got null
            an inline descriptor with a bad name  | vms:\\n  db#1: {}                             | x.yaml:2:3: invalid name "db#1" (letters, digits, '.', '_' or '-', starting with a letter or digit)
            unknown key in an inline descriptor   | vms:\\n  web1: {definition: {}, vcpu: 2}      | x.yaml:2:26: unknown key "vcpu" in vm "web1"
            unknown key in its definition         | vms:\\n  web1:\\n    definition: {vcpus: 2}   | x.yaml:3:18: unknown key "vcpus" in definition
            a hypervisor in its definition        | vms: {a: {definition: {hypervisors: {h: {x: 1}}}}} | x.yaml:1:42: unknown key "x" in hypervisor "h"
            a tag in its definition               | vms: {a: {definition: {tags: {k: 1}}}}         | x.yaml:1:31: tag "k": expected a string, got integer 1
            its target misspelt                   | vms: {a: {target: gone}}                      | x.yaml:1:11: target: must be one of deployed, provisioned
            moved not a list                      | moved: {from: a, to: b}                       | x.yaml:1:1: moved: expected a list, got a mapping
            a move without its target             | moved:\\n  - {from: a, to: b}\\n  - {from: c} | x.yaml:3:5: missing key "to" in moved[1]
            a move with an unknown key            | moved: [{from: a, to: b, why: renamed}]       | x.yaml:1:26: unknown key "why" in moved[0]
            a move that is a string               | moved: [a -> b]                               | x.yaml:1:9: moved[0]: expected a mapping, got string "a -> b"
            a move to a number                    | moved: [{from: a, to: 5}]                     | x.yaml:1:19: to: expected a string, got integer 5
            """)
    void folderErrorIsReportedAtTheKey(String reason, String yaml, String expected) {
      assertEquals(List.of(expected), check(yaml, Kind.FOLDER));
    }

    @Test
    void everyProblemOfAFileIsReportedInFileOrder() {
      String yaml =
          """
          definition:
            vcpus: 2
            vcpu: "two"
            memory: 4GB
            hypervisors:
              h1: {type: foo, port: 3}
          target: deploy
          """;
      assertEquals(
          List.of(
              "x.yaml:2:3: unknown key \"vcpus\" in definition",
              "x.yaml:3:3: vcpu: expected an integer, got string \"two\"",
              "x.yaml:4:3: memory: invalid size \"4GB\" (use MiB, GiB or TiB, e.g. \"4GiB\")",
              "x.yaml:6:10: type: must be one of vmware, proxmox, sim",
              "x.yaml:6:21: unknown key \"port\" in hypervisor \"h1\"",
              "x.yaml:7:1: target: must be one of deployed, provisioned"),
          check(yaml, Kind.DESCRIPTOR));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
        delimiter = '|',
        quoteCharacter = '`',
        textBlock =
            """
            a password that is a number        | {hypervisors: {h: {type: vmware, password: 918273645}}}     | password: expected a string, got (sensitive)
            a password that is a list          | {hypervisors: {h: {type: vmware, password: [918273645]}}}   | password: expected a string, got (sensitive)
            a token_secret that is a number    | {hypervisors: {h: {type: proxmox, token_secret: 918273645}}} | token_secret: expected a string, got (sensitive)
            """)
    void anInvalidSecretIsNeverEchoed(String reason, String definition, String message) {
      List<String> errors = check("definition: " + definition, Kind.DESCRIPTOR);
      assertEquals(1, errors.size(), errors.toString());
      assertTrue(errors.get(0).endsWith(message), errors.toString());
      assertFalse(errors.get(0).contains("918273645"), errors.toString());
    }

    @Test
    void aLongValueIsCutInTheMessage() {
      String word = "x".repeat(100);
      assertEquals(
          List.of(
              "x.yaml:1:14: vcpu: expected an integer, got string \"" + "x".repeat(60) + "...\""),
          check("definition: {vcpu: " + word + "}", Kind.DESCRIPTOR));
    }

    @Test
    void aKeyWithSpecialCharactersIsFoundInTheFile() {
      assertEquals(
          List.of(
              "x.yaml:1:14: unknown key \"a/b~c\" in definition",
              "x.yaml:1:24: unknown key \"\\\"q\\\"\" in definition"),
          check("definition: {a/b~c: 1, '\"q\"': 2}", Kind.DESCRIPTOR));
    }
  }

  /**
   * The shipped schemas use type lists and enums instead of unions, so that each mistake has one
   * obvious message; these cases keep the folding of {@code anyOf}/{@code oneOf} errors honest for
   * schemas that do use them.
   */
  @Nested
  class Unions {
    private static final String SCHEMA =
        """
        {
          "type": "object",
          "properties": {
            "size": {"anyOf": [
              {"type": "integer", "minimum": 1},
              {"type": "string", "pattern": "^[0-9]+GiB$"}]},
            "entry": {"oneOf": [
              {"type": "null"},
              {"type": "object", "additionalProperties": false,
               "properties": {"a": {"type": "string"}}}]},
            "entries": {"additionalProperties": {"anyOf": [
              {"type": "null"},
              {"type": "object", "properties": {"n": {"type": "integer"}}}]}},
            "either": {"oneOf": [{"type": "integer"}, {"minimum": 0}]},
            "twice": {"allOf": [{"required": ["a"]}, {"required": ["a"]}]}
          }
        }
        """;

    private static final Schema UNIONS =
        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(SCHEMA);

    private static List<Problem> describe(String json) {
      List<Error> errors = UNIONS.validate(json, InputFormat.JSON);
      return SchemaValidator.describe(errors, Kind.DESCRIPTOR);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
        delimiter = '|',
        quoteCharacter = '`',
        textBlock =
            """
            no branch has the value's type          | {"size": true}                  | /size        | size: expected an integer or a string, got boolean true
            only the integer branch has its type    | {"size": 0}                     | /size        | size: must be >= 1
            only the string branch has its type     | {"size": "4GB"}                 | /size        | size: invalid value "4GB"
            an object branch with an unknown key    | {"entry": {"b": 1}}             | /entry/b     | unknown key "b" in entry
            an object branch with a wrong field     | {"entry": {"a": 3}}             | /entry/a     | a: expected a string, got integer 3
            null is left out of the expected types  | {"entry": 3}                    | /entry       | entry: expected a mapping, got integer 3
            more than one oneOf branch matches      | {"either": 5}                   | /either      | either: matches more than one allowed form
            the same problem twice is told once     | {"twice": {}}                   | /twice       | missing key "a" in twice
            """)
    void aUnionGivesOneMessage(String reason, String json, String pointer, String message) {
      assertEquals(List.of(new Problem(pointer, message)), describe(json));
    }

    @Test
    void aUnionUnderAdditionalPropertiesIsToldPerEntry() {
      assertEquals(
          List.of(
              new Problem("/entries/x", "x: expected a mapping, got integer 1"),
              new Problem("/entries/y/n", "n: expected an integer, got string \"z\"")),
          describe("{\"entries\": {\"x\": 1, \"y\": {\"n\": \"z\"}}}"));
    }
  }

  @Nested
  class SchemaFiles {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static JsonNode read(String file) throws IOException {
      return JSON.readTree(Files.readString(SCHEMAS.resolve(file)));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"descriptor.schema.json", "folder.schema.json"})
    void isAValidDraft202012Schema(String file) throws IOException {
      Schema metaSchema =
          SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
              .getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
      JsonNode schema = read(file);
      assertEquals(List.of(), metaSchema.validate(schema));
      assertEquals(
          "https://json-schema.org/draft/2020-12/schema", schema.get("$schema").asString());
      assertEquals("https://vmtree.io/schemas/" + file, schema.get("$id").asString());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"descriptor.schema.json", "folder.schema.json"})
    void everyPropertyHasADescriptionForEditors(String file) throws IOException {
      List<String> undocumented = new ArrayList<>();
      collectUndocumented(read(file), "", undocumented);
      assertEquals(List.of(), undocumented);
    }

    private static void collectUndocumented(JsonNode node, String at, List<String> out) {
      if (node.isObject()) {
        JsonNode properties = node.get("properties");
        if (properties != null) {
          for (Map.Entry<String, JsonNode> property : properties.properties()) {
            if (!property.getValue().has("description")) {
              out.add(at + "/properties/" + property.getKey());
            }
          }
        }
        node.properties()
            .forEach(
                entry -> collectUndocumented(entry.getValue(), at + "/" + entry.getKey(), out));
      } else if (node.isArray()) {
        for (int i = 0; i < node.size(); i++) {
          collectUndocumented(node.get(i), at + "/" + i, out);
        }
      }
    }

    @Test
    void kindsNameTheirSchemaFiles() {
      for (Kind kind : Kind.values()) {
        String file = kind.schemaId().substring(kind.schemaId().lastIndexOf('/') + 1);
        assertTrue(Files.isRegularFile(SCHEMAS.resolve(file)), file);
      }
    }
  }

  @Nested
  class Examples {
    private static final Pattern SCHEMA_LINE =
        Pattern.compile("^# yaml-language-server: \\$schema=(\\S+)");

    private static List<Path> exampleFiles() throws IOException {
      assumeTrue(Files.isDirectory(EXAMPLES), "no examples yet");
      try (Stream<Path> files = Files.walk(EXAMPLES)) {
        return files
            .filter(Files::isRegularFile)
            .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
            .filter(f -> !f.getFileName().toString().startsWith("."))
            // CI pipelines (docs/ci.md), not trees: CiExamplesTest checks them
            .filter(f -> !EXAMPLES.relativize(f).startsWith("ci"))
            .sorted()
            .toList();
      }
    }

    private static Kind kindOf(Path file) {
      String name = file.getFileName().toString();
      return name.startsWith("_folder.") ? Kind.FOLDER : Kind.DESCRIPTOR;
    }

    /** Files under a {@code broken/} folder hold mistakes on purpose, for the docs. */
    private static boolean isBrokenOnPurpose(Path file) {
      for (Path part : EXAMPLES.relativize(file)) {
        if (part.toString().equals("broken")) {
          return true;
        }
      }
      return false;
    }

    @Test
    void everyExampleIsValid() throws IOException {
      List<String> problems = new ArrayList<>();
      YamlReader reader = new YamlReader();
      for (Path file : exampleFiles()) {
        if (isBrokenOnPurpose(file)) {
          continue;
        }
        Diagnostics diagnostics = new Diagnostics();
        reader
            .read(file, file.toString(), diagnostics)
            .ifPresent(doc -> VALIDATOR.validate(doc, kindOf(file), diagnostics));
        diagnostics.sorted().forEach(d -> problems.add(d.format()));
      }
      assertEquals(List.of(), problems);
    }

    @Test
    void everyExamplePointsEditorsAtTheSchemaOfItsKind() throws IOException {
      List<String> wrong = new ArrayList<>();
      for (Path file : exampleFiles()) {
        String first = Files.readAllLines(file, UTF_8).stream().findFirst().orElse("");
        Matcher line = SCHEMA_LINE.matcher(first);
        String expected = kindOf(file).schemaId().replace("https://vmtree.io/", "");
        if (!line.find()) {
          wrong.add(file + ": no yaml-language-server line");
          continue;
        }
        Path target = file.getParent().resolve(line.group(1)).normalize();
        if (!target.equals(Path.of(expected)) || !Files.isRegularFile(target)) {
          wrong.add(file + ": points at " + line.group(1));
        }
      }
      assertEquals(List.of(), wrong);
    }
  }

  @Test
  void validationIsSafeAcrossThreads() {
    String yaml = "definition: {vcpus: 2, memory: 4GB}";
    List<String> expected = check(yaml, Kind.DESCRIPTOR);
    Map<List<String>, Boolean> seen = new ConcurrentHashMap<>();
    IntStream.range(0, 2_000).parallel().forEach(i -> seen.put(check(yaml, Kind.DESCRIPTOR), true));
    assertEquals(List.of(expected), List.copyOf(seen.keySet()));
    assertFalse(expected.isEmpty());
  }
}
