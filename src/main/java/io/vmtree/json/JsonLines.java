package io.vmtree.json;

import java.io.ByteArrayOutputStream;
import java.util.function.Consumer;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.ObjectWriter;

/**
 * Writes one JSON document at a time, each on the same generator of the calling thread, and hands
 * back its bytes.
 *
 * <p>Why: an apply writes a line per record (the journal, the state log, the sim's world), eight
 * per VM it creates. A generator made per line took its buffers from Jackson's shared pool and gave
 * them back, and set up its context objects: a twentieth of the steps' CPU once compiled, more
 * while interpreted. A generator kept per thread does that once; its root values follow each other
 * with no separator, so each flush yields exactly one document.
 */
public final class JsonLines {
  private final ObjectWriter writer;
  private final ThreadLocal<Slot> slots = new ThreadLocal<>();

  /** Documents written as {@code writer} writes them (its indentation and features). */
  public JsonLines(ObjectWriter writer) {
    this.writer = writer.withRootValueSeparator((String) null);
  }

  /** {@return the bytes {@code document} writes on the generator: one root value} */
  public byte[] encode(Consumer<JsonGenerator> document) {
    Slot slot = slots.get();
    if (slot == null) {
      slot = new Slot(writer);
      slots.set(slot);
    }
    try {
      document.accept(slot.generator);
      slot.generator.flush();
      return slot.out.take();
    } catch (RuntimeException | Error e) {
      slots.remove(); // a generator left in the middle of a document is not used again
      throw e;
    }
  }

  private static final class Slot {
    final Bytes out = new Bytes();
    final JsonGenerator generator;

    Slot(ObjectWriter writer) {
      generator = writer.createGenerator(out);
    }
  }

  private static final class Bytes extends ByteArrayOutputStream {
    Bytes() {
      super(512);
    }

    byte[] take() {
      byte[] bytes = toByteArray();
      reset();
      return bytes;
    }
  }
}
