package io.vmtree.plan;

import io.vmtree.tree.TreePath;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

/**
 * A saved plan ({@code plan --out FILE}): the whole {@link Plan} as JSON, self-contained so that
 * {@code apply FILE} needs no tree (SPEC §11). Secrets are only ever references or masked, as in
 * the plan itself. Written atomically.
 */
public final class PlanFile {
  /** The format this vmtree writes and reads. */
  public static final int FORMAT_VERSION = 1;

  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .addModule(
              new SimpleModule("vmtree-plan")
                  .addSerializer(TreePath.class, new PathWriter())
                  .addDeserializer(TreePath.class, new PathReader()))
          .build();

  private PlanFile() {}

  /** Writes {@code plan} to {@code file}, replacing it atomically. */
  public static void write(Path file, Plan plan) throws IOException {
    Map<String, Object> content = new LinkedHashMap<>();
    content.put("format_version", FORMAT_VERSION);
    content.put("plan", plan);
    byte[] bytes = MAPPER.writeValueAsBytes(content);
    if (Files.isDirectory(file)) {
      throw new IOException("it is a directory");
    }
    // the directory must exist, as for any file a command is told to write: a typo in it should
    // not make directories elsewhere
    Path dir = file.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      throw new IOException("no such directory: " + dir);
    }
    Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      // a plan left half-saved next to the target would be read by nobody and hold a whole plan
      Files.deleteIfExists(temp);
    }
  }

  /**
   * {@return the plan saved in {@code file}}
   *
   * @throws IllegalArgumentException with a message naming the file when it is not a plan file this
   *     vmtree can read
   */
  public static Plan read(Path file) {
    JsonNode root;
    try {
      root = MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read plan file " + file + ": " + e.getMessage());
    } catch (JacksonException e) {
      throw new IllegalArgumentException(file + " is not a plan file: " + e.getOriginalMessage());
    }
    if (!root.isObject() || !root.has("format_version") || !root.has("plan")) {
      throw new IllegalArgumentException(file + " is not a vmtree plan file");
    }
    int version = root.get("format_version").asInt();
    if (version != FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "plan file "
              + file
              + " has format_version "
              + version
              + "; this vmtree reads "
              + FORMAT_VERSION);
    }
    try {
      return MAPPER.treeToValue(root.get("plan"), Plan.class);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(
          file + " is not a valid plan file: " + e.getOriginalMessage());
    }
  }

  private static final class PathWriter extends ValueSerializer<TreePath> {
    @Override
    public void serialize(TreePath value, JsonGenerator gen, SerializationContext ctxt) {
      gen.writeString(value.toString());
    }
  }

  private static final class PathReader extends ValueDeserializer<TreePath> {
    @Override
    public TreePath deserialize(JsonParser p, DeserializationContext ctxt) {
      return TreePath.of(p.getString());
    }
  }
}
