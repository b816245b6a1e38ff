package io.vmtree.server;

import io.vmtree.report.Json;
import io.vmtree.tree.TreePath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The requests the service accepted and has not finished, one file each in {@code
 * <state>/serve/queue/<id>.json}, written (synced) before the request is answered and removed once
 * its final record is in the journal: what a restart finds here it runs again. A file records
 * whether its request had started, so that an interrupted apply is resumed rather than redone.
 */
final class QueueFiles {
  private final Path dir;

  QueueFiles(Path dir) {
    this.dir = dir;
  }

  /** A request found on disk. */
  record Entry(
      long id,
      Job job,
      String requestedBy,
      Instant submitted,
      List<TreePath> marks,
      boolean started) {}

  void write(Tracked t, boolean started) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", t.id());
    json.put("type", t.job().type());
    json.put("job", t.job().toJson());
    json.put("requested_by", t.requestedBy());
    json.put("submitted", t.submitted().toString());
    json.put("marks", t.marks().stream().map(TreePath::toString).toList());
    json.put("started", started);
    byte[] bytes = Json.MAPPER.writeValueAsBytes(json);
    try {
      Files.createDirectories(dir);
      Path file = file(t.id());
      Path temp = dir.resolve("." + t.id() + ".tmp");
      try (FileChannel channel =
          FileChannel.open(
              temp,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the queue file of operation " + t.id(), e);
    }
  }

  void delete(long id) {
    try {
      Files.deleteIfExists(file(id));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the queue file of operation " + id, e);
    }
  }

  /**
   * {@return every request on disk, by id}
   *
   * @throws IllegalStateException naming a file that cannot be read
   */
  List<Entry> list() {
    List<Entry> entries = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return entries;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
      for (Path file : files) {
        entries.add(read(file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    entries.sort(Comparator.comparingLong(Entry::id));
    return entries;
  }

  private static Entry read(Path file) {
    try {
      JsonNode json = Json.MAPPER.readTree(Files.readAllBytes(file));
      String type = json.get("type").asString();
      List<TreePath> marks = new ArrayList<>();
      for (JsonNode mark : json.get("marks")) {
        marks.add(TreePath.of(mark.asString()));
      }
      return new Entry(
          json.get("id").asLong(),
          Job.fromJson(type, json.get("job")),
          json.get("requested_by").asString(),
          Instant.parse(json.get("submitted").asString()),
          marks,
          json.get("started").asBoolean());
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(
          "cannot read queued operation " + file + ": " + e.getMessage(), e);
    }
  }

  private Path file(long id) {
    return dir.resolve(id + ".json");
  }
}
