package io.vmtree.connector.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log a world is kept in: read by others while it is written, compacted, repaired after a
 * killed writer, and made from the files of an earlier vmtree. A second view of the same world is
 * opened through a symbolic link: it reads the files on its own, as another process would.
 */
class WorldLogTest {
  @TempDir Path dir;

  private Path world() {
    return dir.resolve("world");
  }

  /** {@return a world in a new, empty directory} */
  private SimWorld newWorld() throws Exception {
    return SimWorld.at(Files.createDirectories(world()));
  }

  /** Removes the world's files behind the back of whoever has it open. */
  private void removeWorldFiles() throws Exception {
    try (var files = Files.list(world())) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
  }

  private SimWorld otherView() throws Exception {
    Path link = dir.resolve("link");
    if (!Files.exists(link)) {
      Files.createSymbolicLink(link, world());
    }
    return SimWorld.at(link);
  }

  private static SimVm vm(String marker) {
    String name = marker.substring(marker.lastIndexOf('/') + 1);
    return new SimVm(
        null, name, List.of("lab"), 1, 1024, true, Map.of(), null, marker, "debian-12", List.of());
  }

  @Test
  void aLogThatOutgrowsItsWorldIsCompactedAndAnotherProcessFollowsIt() throws Exception {
    SimWorld writer = newWorld();
    SimWorld other = otherView();
    String id = writer.create(vm("/lab/web1")).id();
    String gone = writer.create(vm("/lab/web2")).id();
    assertEquals(2, other.list().size()); // the other view has read the log from here on
    writer.delete(gone, false); // the highest id: the compacted log must still know it was used

    // every change appends the whole VM again: 5,000 changes of one VM outgrow 1 MiB
    for (int i = 0; i < 5_000; i++) {
      String value = Integer.toString(i);
      writer.update(id, vm -> vm.withTag("round", value));
    }

    long size = Files.size(world().resolve(WorldLog.FILE));
    assertTrue(size < 600_000, "compacted, at most half of its 1.3 MB left: " + size);
    // a change first: made on the compacted log, not appended to the file read so far
    assertEquals("vm-000003", other.create(vm("/lab/web3")).id(), "ids are never used twice");
    assertEquals("4999", other.get(id).orElseThrow().tags().get("round"));
    assertEquals(2, writer.list().size());
    assertEquals(id, writer.create(vm("/lab/web1")).id(), "markers survive compaction");
    assertEquals(2, other.list().size());
  }

  @Test
  void aWorldRemovedAndMadeAgainBehindAProcessIsSeenAsNew() throws Exception {
    SimWorld world = newWorld();
    world.create(vm("/lab/web1"));
    world.create(vm("/lab/web2"));
    removeWorldFiles();

    assertEquals(List.of(), world.list());
    assertEquals("vm-000001", world.create(vm("/lab/web3")).id());
    assertEquals(1, otherView().list().size());
  }

  @Test
  void aWorldWhoseDirectoryWasRemovedBehindAProcessIsMadeAgainByItsNextChange() throws Exception {
    SimWorld world = newWorld();
    world.create(vm("/lab/web1"));
    removeWorldFiles();
    Files.delete(world());

    assertEquals(List.of(), world.list());
    assertFalse(world.exists());
    assertEquals("vm-000001", world.create(vm("/lab/web2")).id());
    assertEquals(List.of("web2"), otherView().list().stream().map(SimVm::name).toList());
  }

  @Test
  void anInterruptedCallerDoesNotTakeTheWorldAwayFromOthers() throws Exception {
    SimWorld world = newWorld();
    world.create(vm("/lab/web1"));
    Thread.currentThread().interrupt();
    try {
      assertEquals(1, world.list().size());
      assertTrue(world.get("vm-000001").isPresent());
    } finally {
      assertTrue(Thread.interrupted(), "the interrupt is left for its owner");
    }
    assertEquals("vm-000002", world.create(vm("/lab/web2")).id());
    assertEquals(2, world.list().size());
  }

  @Test
  void aLineLeftHalfWrittenIsSkippedByReadersAndCutByTheNextChange() throws Exception {
    SimWorld writer = newWorld();
    writer.create(vm("/lab/web1"));
    Path log = world().resolve(WorldLog.FILE);
    // what a writer killed in the middle of its line leaves
    Files.write(
        log,
        "{\"vm\":{\"id\":\"vm-0000".getBytes(StandardCharsets.UTF_8),
        StandardOpenOption.APPEND);

    assertEquals(1, otherView().list().size());

    writer.create(vm("/lab/web2"));

    List<String> lines = Files.readAllLines(log);
    assertEquals(2, lines.size(), String.join("\n", lines));
    assertTrue(lines.get(1).startsWith("{\"vm\":{\"id\":\"vm-000002\""), lines.get(1));
    assertEquals(2, otherView().list().size());
  }

  @Test
  void aWorldOfAnEarlierVmtreeBecomesALogOnFirstUse() throws Exception {
    Path vms = Files.createDirectories(world().resolve("vms"));
    Files.createDirectories(world().resolve("markers"));
    Files.createDirectories(world().resolve("kept-disks"));
    Files.writeString(
        world().resolve("world.json"), "{\n  \"next_id\" : 5,\n  \"down\" : false\n}");
    for (String id : List.of("vm-000001", "vm-000003")) {
      Files.writeString(
          vms.resolve(id + ".json"),
          """
          {
            "id" : "%s",
            "name" : "web-%s",
            "folder" : [ "lab" ],
            "vcpu" : 2,
            "memory_mib" : 2048,
            "power" : "on",
            "tags" : { "env" : "lab" },
            "description" : null,
            "marker" : "/lab/web-%s",
            "base_image" : "debian-12",
            "disks" : [ "%s-disk0" ]
          }"""
              .formatted(id, id, id, id));
    }
    Files.writeString(world().resolve("kept-disks/vm-000002-disk0.json"), "{}");
    Files.writeString(world().resolve("kept-disks/vm-000007-disk0.json"), "{}");

    SimWorld world = SimWorld.at(world());

    assertEquals(List.of("vm-000001", "vm-000003"), world.list().stream().map(SimVm::id).toList());
    assertEquals(Map.of("env", "lab"), world.get("vm-000003").orElseThrow().tags());
    assertEquals(List.of("vm-000002-disk0", "vm-000007-disk0"), world.keptDisks());
    assertEquals("vm-000003", world.create(vm("/lab/web-vm-000003")).id(), "markers carried over");
    assertEquals("vm-000008", world.create(vm("/lab/web9")).id(), "after every id ever used");
    assertTrue(Files.isRegularFile(world().resolve(WorldLog.FILE)));
    for (String old : List.of("world.json", "vms", "markers", "kept-disks")) {
      assertFalse(Files.exists(world().resolve(old)), old + " removed");
    }
    assertTrue(world.exists());
  }

  @Test
  void aWorldGoesDownAndUpForEveryReader() throws Exception {
    SimWorld one = newWorld();
    SimWorld other = otherView();
    assertFalse(other.isDown());
    one.setDown(true);
    assertTrue(other.isDown());
    other.setDown(false);
    assertFalse(one.isDown());
    assertTrue(one.exists());
  }

  @Test
  void onlyVmAndSixDigitsOrMoreNameAVm() {
    for (String id : List.of("vm-000001", "vm-123456789", "vm-000000000000000001")) {
      assertTrue(WorldFiles.isVmId(id), id);
    }
    for (String id :
        java.util.Arrays.asList(
            null,
            "",
            "vm-",
            "vm-00001",
            "vm-0000a1",
            "VM-000001",
            "vm-000001 ",
            "vm-\u0661\u0662\u0663\u0664\u0665\u0666")) {
      assertFalse(WorldFiles.isVmId(id), String.valueOf(id));
    }
  }
}
