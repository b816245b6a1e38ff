package io.vmtree.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.vmtree.diag.Diagnostic;
import io.vmtree.diag.Diagnostics;
import io.vmtree.diag.Origin;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cascade of SPEC §3, rule by rule. Chains are built as the tree {@code /} ({@code
 * _folder.yaml}), {@code /lab} ({@code lab/_folder.yaml}) and the descriptor {@code /lab/web1}
 * ({@code lab/web1.yaml}); every value is given the line it would be written on.
 */
class CascadeTest {
  private final Diagnostics diagnostics = new Diagnostics();

  // --- 1. maps: by key, then field by field; null deletes -------------------------------------

  static Stream<Arguments> hypervisorEntriesMergeByKeyThenField() {
    Level root =
        root()
            .hypervisor(4, "sim1", f(5, "type", "sim"), f(6, "host", "h0"), f(7, "latency_ms", 10));
    return Stream.of(
        arguments(
            "a field written only above is inherited",
            chain(root, lab().hypervisor(3, "sim1", f(4, "host", "h1")), web1().useSim1()),
            "latency_ms",
            10,
            "_folder.yaml:7"),
        arguments(
            "the deeper level wins per field",
            chain(root, lab().hypervisor(3, "sim1", f(4, "host", "h1")), web1().useSim1()),
            "host",
            "h1",
            "lab/_folder.yaml:4"),
        arguments(
            "the descriptor wins over every folder",
            chain(
                root,
                lab().hypervisor(3, "sim1", f(4, "host", "h1")),
                web1().useSim1().hypervisor(3, "sim1", f(4, "host", "h2"))),
            "host",
            "h2",
            "lab/web1.yaml:4"),
        arguments(
            "a null field deletes the inherited field",
            chain(root, lab().hypervisor(3, "sim1", f(4, "latency_ms", null)), web1().useSim1()),
            "latency_ms",
            null,
            null),
        arguments(
            "a field added below joins the inherited ones",
            chain(root, lab().hypervisor(3, "sim1", f(4, "seed", 42)), web1().useSim1()),
            "seed",
            42,
            "lab/_folder.yaml:4"),
        arguments(
            "after a null entry, a redefinition starts afresh",
            chain(
                root,
                lab().deleteHypervisor(3, "sim1"),
                web1().useSim1().hypervisor(3, "sim1", f(4, "type", "sim"))),
            "latency_ms",
            null,
            null),
        arguments(
            "another entry written below leaves this one alone",
            chain(root, lab().hypervisor(3, "sim2", f(4, "host", "other")), web1().useSim1()),
            "host",
            "h0",
            "_folder.yaml:6"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void hypervisorEntriesMergeByKeyThenField(
      String reason, List<Definition> chain, String field, Object value, String origin) {
    ComputedDefinition computed = Cascade.compute(chain, diagnostics);

    assertValue(computed, field, value, origin);
    assertEquals(List.of(), errors());
  }

  @Test
  void aNullEntryDeletesTheInheritedEntry() {
    ComputedDefinition computed =
        Cascade.compute(
            chain(
                root().hypervisor(4, "sim1", f(5, "type", "sim")),
                lab().deleteHypervisor(3, "sim1").hypervisor(4, "sim2", f(5, "type", "sim")),
                web1().useSim1()),
            diagnostics);

    assertEquals(
        List.of(
            "lab/web1.yaml:2:3: unknown hypervisor \"sim1\" in use_hypervisor"
                + " (\"sim1\" is removed by lab/_folder.yaml:3 (null);"
                + " known hypervisors: sim2 (lab/_folder.yaml:4))"),
        errors());
    assertFalse(computed.values().containsKey("hypervisor_type"));
  }

  @Test
  void prototypeEntriesMergeFieldByFieldAndNullDeletesAField() {
    ComputedDefinition computed =
        Cascade.compute(
            chain(
                root()
                    .prototype(
                        8,
                        "small",
                        f(9, "base_image", "debian-12"),
                        f(10, "vcpu", 2),
                        f(11, "memory", MemorySize.parse("2GiB"))),
                lab().prototype(4, "small", f(5, "vcpu", 4), f(6, "memory", null)),
                web1().usePrototype(2, "small")),
            diagnostics);

    assertValue(computed, "base_image", "debian-12", "_folder.yaml:9 via prototype small");
    assertValue(computed, "vcpu", 4, "lab/_folder.yaml:5 via prototype small");
    assertValue(computed, "memory", null, null);
    assertEquals(List.of(), errors());
  }

  @Test
  void tagsMergeByKeyAndNullDeletesATag() {
    ComputedDefinition computed =
        Cascade.compute(
            chain(
                root().tag(3, "env", "prod").tag(4, "team", "infra"),
                lab().tag(3, "env", "lab").tag(4, "team", null),
                web1().tag(3, "role", "web")),
            diagnostics);

    assertEquals(Map.of("env", "lab", "role", "web"), computed.tags());
    assertEquals(List.of("env", "role"), List.copyOf(computed.tags().keySet()));
    assertEquals("lab/_folder.yaml:3", describe(computed, "tags.env"));
    assertEquals("lab/web1.yaml:3", describe(computed, "tags.role"));
    assertFalse(computed.origins().containsKey("tags.team"));
  }

  @Test
  void tagsAllDeletedLeaveNoTags() {
    ComputedDefinition computed =
        Cascade.compute(
            chain(root().tag(3, "env", "prod"), web1().tag(3, "env", null)), diagnostics);

    assertFalse(computed.values().containsKey("tags"));
    assertEquals(Map.of(), computed.tags());
  }

  // --- 2. prototype expansion ------------------------------------------------------------------

  @Test
  void aPrototypeExpandsAtTheLevelThatUsesIt() {
    ComputedDefinition computed =
        Cascade.compute(
            chain(root().smallPrototype(), lab().usePrototype(3, "small"), web1()), diagnostics);

    assertValue(computed, "use_prototype", "small", "lab/_folder.yaml:3");
    assertValue(computed, "base_image", "debian-12", "_folder.yaml:9 via prototype small");
    assertValue(computed, "vcpu", 2, "_folder.yaml:10 via prototype small");
    assertValue(
        computed, "memory", MemorySize.parse("2GiB"), "_folder.yaml:11 via prototype small");
    assertEquals(List.of(), errors());
  }

  @Test
  void prototypesExpandAtSeveralLevelsAndTheNearestFieldWins() {
    ComputedDefinition computed =
        Cascade.compute(
            chain(
                root()
                    .smallPrototype()
                    .prototype(
                        13,
                        "big",
                        f(14, "base_image", "rocky-9"),
                        f(15, "vcpu", 8),
                        f(16, "memory", MemorySize.parse("16GiB")))
                    .usePrototype(3, "big"),
                lab().prototype(4, "tiny", f(5, "vcpu", 1)).usePrototype(3, "tiny"),
                web1()),
            diagnostics);

    assertValue(computed, "use_prototype", "tiny", "lab/_folder.yaml:3");
    assertValue(computed, "vcpu", 1, "lab/_folder.yaml:5 via prototype tiny");
    assertValue(computed, "base_image", "rocky-9", "_folder.yaml:14 via prototype big");
    assertValue(computed, "memory", MemorySize.parse("16GiB"), "_folder.yaml:16 via prototype big");
  }

  static Stream<Arguments> aLevelsOwnFieldsBeatItsPrototype() {
    return Stream.of(
        arguments(
            "a field the level writes beats its prototype",
            chain(root().smallPrototype(), lab().usePrototype(3, "small").vcpu(4, 6), web1()),
            6,
            "lab/_folder.yaml:4"),
        arguments(
            "written before use_prototype in the file, the level's field still wins",
            chain(root().smallPrototype(), lab().vcpu(2, 6).usePrototype(3, "small"), web1()),
            6,
            "lab/_folder.yaml:2"),
        arguments(
            "a deeper prototype beats a field written above",
            chain(root().smallPrototype().vcpu(4, 6), lab().usePrototype(3, "small"), web1()),
            2,
            "_folder.yaml:10 via prototype small"),
        arguments(
            "a field written below beats a prototype used above",
            chain(root().smallPrototype().usePrototype(3, "small"), lab().vcpu(4, 6), web1()),
            6,
            "lab/_folder.yaml:4"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void aLevelsOwnFieldsBeatItsPrototype(
      String reason, List<Definition> chain, int vcpu, String origin) {
    assertValue(Cascade.compute(chain, diagnostics), "vcpu", vcpu, origin);
  }

  @Test
  void aDeeperRedefinitionOfAPrototypeAppliesToAShallowerUsePrototype() {
    Level root = root().smallPrototype().usePrototype(3, "small");
    Level lab = lab();

    ComputedDefinition redefined =
        Cascade.compute(
            chain(root, lab, web1().prototype(4, "small", f(5, "vcpu", 3))), diagnostics);
    ComputedDefinition sibling = Cascade.compute(chain(root, lab, web2()), diagnostics);

    assertValue(redefined, "vcpu", 3, "lab/web1.yaml:5 via prototype small");
    assertValue(redefined, "base_image", "debian-12", "_folder.yaml:9 via prototype small");
    assertValue(redefined, "use_prototype", "small", "_folder.yaml:3");
    assertValue(sibling, "vcpu", 2, "_folder.yaml:10 via prototype small");
  }

  @Test
  void prototypeMemoryWrittenAsANumberOrTextIsASize() {
    ComputedDefinition number =
        Cascade.compute(
            chain(root().prototype(8, "p", f(9, "memory", 4096)), web1().usePrototype(2, "p")),
            diagnostics);
    ComputedDefinition text =
        Cascade.compute(
            chain(root().prototype(8, "p", f(9, "memory", "1536MiB")), web1().usePrototype(2, "p")),
            diagnostics);

    assertEquals("4GiB", number.memory().orElseThrow().canonical());
    assertEquals("1536MiB", text.memory().orElseThrow().canonical());
  }

  // --- 3. scalars: nearest wins ----------------------------------------------------------------

  static Stream<Arguments> theNearestLevelThatSetsAScalarWins() {
    return Stream.of(
        arguments(
            "set only at the root",
            chain(root().vcpu(3, 2), lab(), web1()),
            "vcpu",
            2,
            "_folder.yaml:3"),
        arguments(
            "a folder beats the root",
            chain(root().vcpu(3, 2), lab().vcpu(3, 4), web1()),
            "vcpu",
            4,
            "lab/_folder.yaml:3"),
        arguments(
            "the descriptor beats every folder",
            chain(root().vcpu(3, 2), lab().vcpu(3, 4), web1().vcpu(2, 8)),
            "vcpu",
            8,
            "lab/web1.yaml:2"),
        arguments(
            "a level that does not set it is skipped",
            chain(root().baseImage(3, "debian-12"), lab(), web1()),
            "base_image",
            "debian-12",
            "_folder.yaml:3"),
        arguments(
            "memory is a size",
            chain(root().memory(3, "2GiB"), lab().memory(3, "1536MiB"), web1()),
            "memory",
            MemorySize.ofMebibytes(1536),
            "lab/_folder.yaml:3"),
        arguments(
            "power is its lowercase label",
            chain(root().power(3, Power.ON), lab(), web1().power(2, Power.OFF)),
            "power",
            "off",
            "lab/web1.yaml:2"),
        arguments(
            "description",
            chain(root().description(3, "all"), lab().description(3, "lab machines"), web1()),
            "description",
            "lab machines",
            "lab/_folder.yaml:3"),
        arguments(
            "use_prototype",
            chain(
                root().smallPrototype().prototype(13, "big").usePrototype(3, "big"),
                lab().usePrototype(3, "small"),
                web1()),
            "use_prototype",
            "small",
            "lab/_folder.yaml:3"),
        arguments(
            "use_hypervisor",
            chain(
                root().sim(4, "sim1").sim(8, "sim2").useHypervisor(2, "sim1"),
                lab().useHypervisor(2, "sim2"),
                web1()),
            "use_hypervisor",
            "sim2",
            "lab/_folder.yaml:2"),
        arguments(
            "an explicit null does not unset an inherited scalar",
            chain(root().vcpu(3, 2), lab(), web1().nullVcpu(2)),
            "vcpu",
            2,
            "_folder.yaml:3"),
        arguments("set nowhere: absent", chain(root(), lab(), web1()), "vcpu", null, null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void theNearestLevelThatSetsAScalarWins(
      String reason, List<Definition> chain, String parameter, Object value, String origin) {
    assertValue(Cascade.compute(chain, diagnostics), parameter, value, origin);
    assertEquals(List.of(), errors());
  }

  @Test
  void vcpuIsAnIntegerFromAFieldAndFromAPrototype() {
    assertInstanceOf(
        Integer.class, Cascade.compute(chain(web1().vcpu(2, 2)), diagnostics).values().get("vcpu"));
    assertInstanceOf(
        Integer.class,
        Cascade.compute(
                chain(root().prototype(8, "p", f(9, "vcpu", 2L)), web1().usePrototype(2, "p")),
                diagnostics)
            .values()
            .get("vcpu"));
  }

  // --- 4. allow list: intersection -------------------------------------------------------------

  static Stream<Arguments> theAllowListIsTheIntersectionDownTheChain() {
    return Stream.of(
        arguments("absent everywhere: no restriction", chain(root(), lab(), web1()), null, null),
        arguments(
            "one list",
            chain(root().allow(3, "sim2", "sim1"), lab(), web1()),
            List.of("sim1", "sim2"),
            "_folder.yaml:3"),
        arguments(
            "a child narrows; the origin is the deepest list",
            chain(root().allow(3, "sim1", "sim2", "sim3"), lab().allow(2, "sim3", "sim1"), web1()),
            List.of("sim1", "sim3"),
            "lab/_folder.yaml:2"),
        arguments(
            "a child cannot widen",
            chain(root().allow(3, "sim1"), lab(), web1().allow(2, "sim1", "sim2")),
            List.of("sim1"),
            "lab/web1.yaml:2"),
        arguments(
            "disjoint lists leave nothing allowed",
            chain(root().allow(3, "sim1"), lab().allow(2, "sim2"), web1()),
            List.of(),
            "lab/_folder.yaml:2"),
        arguments(
            "repeats count once",
            chain(root().allow(3, "sim1", "sim1"), lab(), web1()),
            List.of("sim1"),
            "_folder.yaml:3"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void theAllowListIsTheIntersectionDownTheChain(
      String reason, List<Definition> chain, List<String> allowed, String origin) {
    assertValue(Cascade.compute(chain, diagnostics), "filter_hypervisors_allow", allowed, origin);
  }

  @Test
  void aHypervisorInTheAllowListIsAccepted() {
    Cascade.compute(
        chain(
            root().sim(4, "sim1").allow(3, "sim1", "sim2"),
            lab().allow(2, "sim1"),
            web1().useSim1()),
        diagnostics);

    assertEquals(List.of(), errors());
  }

  // --- 5. derived from use_hypervisor ----------------------------------------------------------

  @Test
  void theUsedHypervisorsFieldsAreDerivedWithTheirOrigins() {
    ComputedDefinition computed =
        Cascade.compute(
            chain(
                root()
                    .hypervisor(
                        4,
                        "vc",
                        f(5, "type", "vmware"),
                        f(6, "host", "vc.example.org"),
                        f(7, "user", "vmtree@vsphere.local"),
                        f(8, "password", "${env:VC_PASS}"),
                        f(9, "datacenter", "dc1"),
                        f(10, "cluster", "c1"),
                        f(11, "insecure", false),
                        f(12, "max_parallel", 4)),
                lab().hypervisor(3, "vc", f(4, "datastore", "ssd"), f(5, "insecure", true)),
                web1().useHypervisor(2, "vc")),
            diagnostics);

    assertEquals(
        List.of(
            "use_hypervisor",
            "hypervisor_type",
            "host",
            "user",
            "password",
            "cluster",
            "datacenter",
            "datastore",
            "insecure",
            "max_parallel"),
        List.copyOf(computed.values().keySet()));
    assertValue(computed, "use_hypervisor", "vc", "lab/web1.yaml:2");
    assertValue(computed, "hypervisor_type", "vmware", "_folder.yaml:5");
    assertValue(computed, "host", "vc.example.org", "_folder.yaml:6");
    assertValue(computed, "user", "vmtree@vsphere.local", "_folder.yaml:7");
    assertValue(computed, "password", "${env:VC_PASS}", "_folder.yaml:8");
    assertValue(computed, "datastore", "ssd", "lab/_folder.yaml:4");
    assertValue(computed, "insecure", true, "lab/_folder.yaml:5");
    assertValue(computed, "max_parallel", 4, "_folder.yaml:12");
    assertEquals(List.of(), errors());
  }

  @Test
  void valuesComeInTheDocumentedOrder() {
    ComputedDefinition computed =
        Cascade.compute(
            chain(
                root()
                    .hypervisor(
                        4,
                        "sim1",
                        f(5, "type", "sim"),
                        f(6, "seed", 7),
                        f(7, "host", "localhost"),
                        f(8, "fail_rate", 0.1),
                        f(9, "user", "u"),
                        f(10, "password", "${file:secrets/sim}"))
                    .smallPrototype()
                    .allow(3, "sim1"),
                lab().tag(2, "env", "lab").description(3, "web"),
                web1().useSim1().usePrototype(3, "small").power(4, Power.ON)),
            diagnostics);

    assertEquals(
        List.of(
            "use_hypervisor",
            "hypervisor_type",
            "host",
            "user",
            "password",
            "fail_rate",
            "seed",
            "filter_hypervisors_allow",
            "use_prototype",
            "base_image",
            "vcpu",
            "memory",
            "power",
            "description",
            "tags"),
        List.copyOf(computed.values().keySet()));
    assertEquals("on", computed.values().get("power"));
    assertEquals(Power.ON, computed.power());
    assertEquals(List.of(), errors());
  }

  // --- 6. errors -------------------------------------------------------------------------------

  @Test
  void anUnknownPrototypeIsAnErrorNamingTheKnownOnes() {
    ComputedDefinition computed =
        Cascade.compute(
            chain(
                root().prototype(8, "medium", f(9, "vcpu", 4)),
                lab().prototype(4, "small", f(5, "vcpu", 1)),
                web1().usePrototype(2, "big").vcpu(3, 2)),
            diagnostics);

    assertEquals(
        List.of(
            "lab/web1.yaml:2:3: unknown prototype \"big\" in use_prototype"
                + " (known prototypes: medium (_folder.yaml:8), small (lab/_folder.yaml:4))"),
        errors());
    assertValue(computed, "use_prototype", "big", "lab/web1.yaml:2");
    assertValue(computed, "vcpu", 2, "lab/web1.yaml:3");
  }

  @Test
  void anUnknownPrototypeNamesEveryLevelThatDefinesAKnownOne() {
    Cascade.compute(
        chain(
            root().prototype(8, "small", f(9, "vcpu", 1)).prototype(10, "gone"),
            lab().prototype(4, "small", f(5, "vcpu", 2)).deletePrototype(6, "gone"),
            web1().usePrototype(2, "gone")),
        diagnostics);

    assertEquals(
        List.of(
            "lab/web1.yaml:2:3: unknown prototype \"gone\" in use_prototype"
                + " (\"gone\" is removed by lab/_folder.yaml:6 (null);"
                + " known prototypes: small (_folder.yaml:8, lab/_folder.yaml:4))"),
        errors());
  }

  @Test
  void anUnknownPrototypeWithNoneDefined() {
    Cascade.compute(chain(root(), lab().usePrototype(3, "small"), web1()), diagnostics);

    assertEquals(
        List.of(
            "lab/_folder.yaml:3:3: unknown prototype \"small\" in use_prototype"
                + " (known prototypes: none)"),
        errors());
  }

  @Test
  void anErrorInAFolderIsReportedOnceForAllDescriptorsBelowIt() {
    Level root = root().smallPrototype();
    Level lab = lab().usePrototype(3, "large");

    Cascade.compute(chain(root, lab, web1()), diagnostics);
    Cascade.compute(chain(root, lab, web2()), diagnostics);

    assertEquals(
        List.of(
            "lab/_folder.yaml:3:3: unknown prototype \"large\" in use_prototype"
                + " (known prototypes: small (_folder.yaml:8))"),
        errors());
  }

  @Test
  void anUnknownHypervisorIsAnErrorNamingTheKnownOnes() {
    ComputedDefinition computed =
        Cascade.compute(
            chain(root().sim(4, "sim1"), lab().sim(5, "sim2").useHypervisor(2, "sim3"), web1()),
            diagnostics);

    assertEquals(
        List.of(
            "lab/_folder.yaml:2:3: unknown hypervisor \"sim3\" in use_hypervisor"
                + " (known hypervisors: sim1 (_folder.yaml:4), sim2 (lab/_folder.yaml:5))"),
        errors());
    assertEquals(List.of("use_hypervisor"), List.copyOf(computed.values().keySet()));
  }

  @Test
  void anUnknownHypervisorIsNotAlsoReportedAsNotAllowed() {
    Cascade.compute(chain(root().allow(3, "sim1"), web1().useHypervisor(2, "sim3")), diagnostics);

    assertEquals(
        List.of(
            "lab/web1.yaml:2:3: unknown hypervisor \"sim3\" in use_hypervisor"
                + " (known hypervisors: none)"),
        errors());
  }

  @Test
  void aHypervisorOutsideTheAllowListIsAnErrorNamingEveryList() {
    ComputedDefinition computed =
        Cascade.compute(
            chain(
                root().sim(4, "sim1").sim(8, "sim2").allow(3, "sim1", "sim2"),
                lab().allow(2, "sim1"),
                web1().useHypervisor(2, "sim2")),
            diagnostics);

    assertEquals(
        List.of(
            "lab/web1.yaml:2:3: hypervisor \"sim2\" is not in the allow list"
                + " (allowed: sim1 (filter_hypervisors_allow at _folder.yaml:3,"
                + " lab/_folder.yaml:2))"),
        errors());
    assertValue(computed, "hypervisor_type", "sim", "_folder.yaml:9");
  }

  @Test
  void anEmptyAllowListAllowsNothing() {
    Cascade.compute(
        chain(root().sim(4, "sim1").allow(3, "sim1"), lab().allow(2, "sim2"), web1().useSim1()),
        diagnostics);

    assertEquals(
        List.of(
            "lab/web1.yaml:2:3: hypervisor \"sim1\" is not in the allow list"
                + " (allowed: none (filter_hypervisors_allow at _folder.yaml:3,"
                + " lab/_folder.yaml:2))"),
        errors());
  }

  @Test
  void aUsedHypervisorWithoutATypeIsAnError() {
    ComputedDefinition computed =
        Cascade.compute(
            chain(
                root().hypervisor(4, "sim1", f(5, "type", "sim")),
                lab().hypervisor(6, "sim1", f(7, "type", null), f(8, "host", "h1")),
                web1().useSim1()),
            diagnostics);

    assertEquals(
        List.of(
            "lab/web1.yaml:2:3: hypervisor \"sim1\" in use_hypervisor has no type"
                + " (set type to vmware, proxmox or sim in its entry at _folder.yaml:4,"
                + " lab/_folder.yaml:6)"),
        errors());
    assertValue(computed, "host", "h1", "lab/_folder.yaml:8");
    assertFalse(computed.values().containsKey("hypervisor_type"));
  }

  @Test
  void anUnusedHypervisorNeedsNoType() {
    Cascade.compute(chain(root().hypervisor(4, "draft", f(5, "host", "h")), web1()), diagnostics);

    assertEquals(List.of(), errors());
  }

  @Test
  void everyErrorIsReportedNotOnlyTheFirst() {
    Cascade.compute(
        chain(
            root().usePrototype(3, "nope").useHypervisor(2, "nowhere"),
            lab().usePrototype(3, "never"),
            web1()),
        diagnostics);

    assertEquals(
        List.of(
            "_folder.yaml:2:3: unknown hypervisor \"nowhere\" in use_hypervisor"
                + " (known hypervisors: none)",
            "_folder.yaml:3:3: unknown prototype \"nope\" in use_prototype"
                + " (known prototypes: none)",
            "lab/_folder.yaml:3:3: unknown prototype \"never\" in use_prototype"
                + " (known prototypes: none)"),
        errors());
  }

  @Test
  void aDescriptorToDeployMissingParametersGetsOneErrorForEach() {
    ComputedDefinition computed = Cascade.compute(chain(root(), lab(), web1()), diagnostics);

    Cascade.checkDeployable(computed, "/lab/web1", Origin.ofFile("lab/web1.yaml"), diagnostics);

    assertEquals(
        List.of(
            "lab/web1.yaml:1:1: /lab/web1 is to be deployed but has no base_image"
                + " (set it, or use_prototype, in the descriptor or a folder above)",
            "lab/web1.yaml:1:1: /lab/web1 is to be deployed but has no memory"
                + " (set it, or use_prototype, in the descriptor or a folder above)",
            "lab/web1.yaml:1:1: /lab/web1 is to be deployed but has no use_hypervisor"
                + " (set it in the descriptor or a folder above)",
            "lab/web1.yaml:1:1: /lab/web1 is to be deployed but has no vcpu"
                + " (set it, or use_prototype, in the descriptor or a folder above)"),
        errors());
  }

  @Test
  void aDescriptorToDeployWithEverythingSetPasses() {
    ComputedDefinition computed =
        Cascade.compute(
            chain(
                root().sim(4, "sim1").smallPrototype(),
                lab(),
                web1().useSim1().usePrototype(3, "small")),
            diagnostics);

    Cascade.checkDeployable(computed, "/lab/web1", Origin.ofFile("lab/web1.yaml"), diagnostics);

    assertEquals(List.of(), errors());
  }

  @Test
  void aDescriptorToDeployMissingOnlyMemory() {
    ComputedDefinition computed =
        Cascade.compute(
            chain(
                root()
                    .sim(4, "sim1")
                    .prototype(8, "p", f(9, "base_image", "img"), f(10, "vcpu", 1)),
                web1().useSim1().usePrototype(3, "p")),
            diagnostics);

    Cascade.checkDeployable(
        computed, "/lab/web1", Origin.of("lab/_folder.yaml", 12, 5), diagnostics);

    assertEquals(
        List.of(
            "lab/_folder.yaml:12:5: /lab/web1 is to be deployed but has no memory"
                + " (set it, or use_prototype, in the descriptor or a folder above)"),
        errors());
  }

  @Test
  void computingTwiceGivesEqualResults() {
    List<Definition> chain =
        chain(root().sim(4, "sim1").smallPrototype().tag(3, "a", "b"), lab(), web1().useSim1());

    assertEquals(Cascade.compute(chain, diagnostics), Cascade.compute(chain, diagnostics));
    assertTrue(diagnostics.isEmpty());
  }

  // --- helpers ---------------------------------------------------------------------------------

  private List<String> errors() {
    return diagnostics.sorted().stream().map(Diagnostic::format).toList();
  }

  private static void assertValue(
      ComputedDefinition computed, String parameter, Object value, String origin) {
    assertEquals(value, computed.values().get(parameter), parameter);
    assertEquals(origin, describe(computed, parameter), parameter + " origin");
  }

  private static String describe(ComputedDefinition computed, String parameter) {
    return computed.origin(parameter).map(Origin::describe).orElse(null);
  }

  private static List<Definition> chain(Level... levels) {
    List<Definition> chain = new ArrayList<>(levels.length);
    for (Level level : levels) {
      chain.add(level.definition());
    }
    return chain;
  }

  private static Level root() {
    return new Level("_folder.yaml");
  }

  private static Level lab() {
    return new Level("lab/_folder.yaml");
  }

  private static Level web1() {
    return new Level("lab/web1.yaml");
  }

  private static Level web2() {
    return new Level("lab/web2.yaml");
  }

  private static Field f(int line, String name, Object value) {
    return new Field(line, name, value);
  }

  /** A field of a hypervisor or prototype entry, written on {@code line}; null deletes. */
  private record Field(int line, String name, Object value) {}

  /**
   * One level's definition as written in {@code file}. Parameters sit at column 3 (under {@code
   * definition:}), map entries at column 5 and their fields at column 7.
   */
  private static final class Level {
    private final String file;
    private final Map<String, Valued<Map<String, Valued<Object>>>> hypervisors =
        new LinkedHashMap<>();
    private final Map<String, Valued<Map<String, Valued<Object>>>> prototypes =
        new LinkedHashMap<>();
    private final Map<String, Valued<String>> tags = new LinkedHashMap<>();
    private Valued<String> useHypervisor;
    private Valued<List<String>> allow;
    private Valued<String> usePrototype;
    private Valued<String> baseImage;
    private Valued<Integer> vcpu;
    private Valued<MemorySize> memory;
    private Valued<Power> power;
    private Valued<String> description;

    Level(String file) {
      this.file = file;
    }

    Definition definition() {
      return new Definition(
          hypervisors,
          useHypervisor,
          allow,
          prototypes,
          usePrototype,
          baseImage,
          vcpu,
          memory,
          power,
          tags,
          description);
    }

    Level hypervisor(int line, String name, Field... fields) {
      hypervisors.put(name, entry(line, fields));
      return this;
    }

    /** A {@code sim} hypervisor whose {@code type} is on the next line. */
    Level sim(int line, String name) {
      return hypervisor(line, name, f(line + 1, "type", "sim"));
    }

    Level deleteHypervisor(int line, String name) {
      hypervisors.put(name, Valued.of(null, Origin.of(file, line, 5)));
      return this;
    }

    Level prototype(int line, String name, Field... fields) {
      prototypes.put(name, entry(line, fields));
      return this;
    }

    /** Prototype {@code small}: base_image, vcpu, memory on lines 9 to 11. */
    Level smallPrototype() {
      return prototype(
          8,
          "small",
          f(9, "base_image", "debian-12"),
          f(10, "vcpu", 2),
          f(11, "memory", MemorySize.parse("2GiB")));
    }

    Level deletePrototype(int line, String name) {
      prototypes.put(name, Valued.of(null, Origin.of(file, line, 5)));
      return this;
    }

    Level tag(int line, String key, String value) {
      tags.put(key, Valued.of(value, Origin.of(file, line, 5)));
      return this;
    }

    Level useHypervisor(int line, String name) {
      useHypervisor = at(line, name);
      return this;
    }

    /** {@code use_hypervisor: sim1} on line 2. */
    Level useSim1() {
      return useHypervisor(2, "sim1");
    }

    Level allow(int line, String... names) {
      allow = at(line, Arrays.asList(names));
      return this;
    }

    Level usePrototype(int line, String name) {
      usePrototype = at(line, name);
      return this;
    }

    Level baseImage(int line, String image) {
      baseImage = at(line, image);
      return this;
    }

    Level vcpu(int line, int count) {
      vcpu = at(line, count);
      return this;
    }

    Level nullVcpu(int line) {
      vcpu = at(line, null);
      return this;
    }

    Level memory(int line, String size) {
      memory = at(line, MemorySize.parse(size));
      return this;
    }

    Level power(int line, Power state) {
      power = at(line, state);
      return this;
    }

    Level description(int line, String text) {
      description = at(line, text);
      return this;
    }

    private <T> Valued<T> at(int line, T value) {
      return Valued.of(value, Origin.of(file, line, 3));
    }

    private Valued<Map<String, Valued<Object>>> entry(int line, Field... fields) {
      Map<String, Valued<Object>> map = new LinkedHashMap<>();
      for (Field field : fields) {
        map.put(field.name(), Valued.of(field.value(), Origin.of(file, field.line(), 7)));
      }
      return Valued.of(map, Origin.of(file, line, 5));
    }
  }
}
