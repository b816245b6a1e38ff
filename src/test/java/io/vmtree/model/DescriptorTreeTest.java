package io.vmtree.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmtree.definition.Definition;
import io.vmtree.definition.Valued;
import io.vmtree.diag.Diagnostics;
import io.vmtree.diag.Origin;
import io.vmtree.tree.Status;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The SPEC §7 object model: navigation, creation, removal and the rules on names. */
class DescriptorTreeTest {
  private static final Origin AT = Origin.of("t.yaml", 1, 1);

  private static Definition vcpu(int n) {
    return new Definition(
        Map.of(), null, null, Map.of(), null, null, Valued.of(n, AT), null, null, Map.of(), null);
  }

  @Test
  void navigatesByFullNameAndByName() {
    DescriptorTree tree = DescriptorTree.empty();
    Folder lab = tree.root().createSubFolder("lab");
    Folder db = lab.createSubFolder("db");
    Descriptor pg1 = db.provision("pg1", vcpu(2));

    assertSame(pg1, tree.get("/lab/db/pg1"));
    assertSame(db, tree.get("/lab/db"));
    assertSame(tree.root(), tree.get("/"));
    assertSame(pg1, db.get("pg1"));
    assertEquals("/lab/db/pg1", pg1.fullName().toString());
    assertEquals("pg1", pg1.name());
    assertSame(db, pg1.parent());
    assertNull(tree.root().parent());
    assertTrue(tree.root().isRoot());
    assertEquals(List.of(db), lab.folders());
    assertEquals(List.of(pg1), db.descriptors());
    assertEquals(1, tree.descriptorCount());
  }

  @Test
  void aNewDescriptorIsProvisionedAndHasNoVmId() {
    Descriptor web1 = DescriptorTree.empty().root().provision("web1", vcpu(2));

    assertEquals(Status.PROVISIONED, web1.status());
    ModelException e = assertThrows(ModelException.class, web1::vmId);
    assertEquals("/web1 is provisioned: it has no VM, so no vm_id", e.getMessage());
  }

  @Test
  void theComputedDefinitionCascadesFromTheFolders() {
    DescriptorTree tree = DescriptorTree.empty();
    Folder lab = tree.root().createSubFolder("lab", vcpu(8));
    Descriptor inherits = lab.provision("a", Definition.EMPTY);
    Descriptor overrides = lab.provision("b", vcpu(2));

    assertEquals(8, inherits.computedDefinition(new Diagnostics()).vcpu().orElseThrow());
    assertEquals(2, overrides.computedDefinition(new Diagnostics()).vcpu().orElseThrow());
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of(
            "absent path",
            (Runnable) () -> sample().get("/lab/nope"),
            "no folder or descriptor /lab/nope"),
        Arguments.of(
            "path below a descriptor",
            (Runnable) () -> sample().get("/lab/web1/x"),
            "no folder or descriptor /lab/web1/x (/lab/web1 is a VM)"),
        Arguments.of(
            "invalid name",
            (Runnable) () -> sample().root().createSubFolder("bad name"),
            "invalid name \"bad name\": names are 1 to 63 letters, digits, '.', '_' or '-',"
                + " starting with a letter or digit"),
        Arguments.of(
            "descriptor name taken by a folder",
            (Runnable) () -> sample().root().provision("lab", Definition.EMPTY),
            "/lab already exists as a folder"),
        Arguments.of(
            "folder name taken by a descriptor",
            (Runnable) () -> ((Folder) sample().get("/lab")).createSubFolder("web1"),
            "/lab/web1 already exists as a descriptor"),
        Arguments.of(
            "removing a folder that is not empty",
            (Runnable) () -> ((Folder) sample().get("/lab")).remove(),
            "folder /lab is not empty (1 objects in it)"),
        Arguments.of(
            "removing the root",
            (Runnable) () -> sample().root().remove(),
            "the root folder cannot be removed"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusesWithAClearMessage(String reason, Runnable action, String message) {
    ModelException e = assertThrows(ModelException.class, action::run, reason);
    assertEquals(message, e.getMessage(), reason);
  }

  @Test
  void anEmptyFolderCanBeRemoved() {
    DescriptorTree tree = sample();
    Folder empty = tree.root().createSubFolder("empty");

    empty.remove();

    assertThrows(ModelException.class, () -> tree.get("/empty"));
  }

  @Test
  void aProvisionedDescriptorCanMoveAndBeRedefined() {
    DescriptorTree tree = sample();
    Descriptor web1 = (Descriptor) tree.get("/lab/web1");
    Folder prod = tree.root().createSubFolder("prod");

    web1.moveTo(prod, "web01");
    web1.redefine(vcpu(16));

    assertSame(web1, tree.get("/prod/web01"));
    assertEquals(16, web1.computedDefinition(new Diagnostics()).vcpu().orElseThrow());
    assertThrows(ModelException.class, () -> tree.get("/lab/web1"));
  }

  @Test
  void aMoveOntoATakenNameLeavesTheDescriptorWhereItWas() {
    DescriptorTree tree = sample();
    Descriptor web1 = (Descriptor) tree.get("/lab/web1");

    assertThrows(ModelException.class, () -> web1.moveTo(tree.root(), "lab"));

    assertSame(web1, tree.get("/lab/web1"));
  }

  private static DescriptorTree sample() {
    DescriptorTree tree = DescriptorTree.empty();
    tree.root().createSubFolder("lab").provision("web1", vcpu(1));
    return tree;
  }
}
