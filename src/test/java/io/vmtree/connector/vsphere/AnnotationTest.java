package io.vmtree.connector.vsphere;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AnnotationTest {
  @Test
  void roundTripsDescriptionMarkerAndTags() {
    Annotation written =
        new Annotation(
            "Primary DB\nof the lab", "/lab/db/pg1", Map.of("env", "lab", "a=b c", "x\ny"));

    Annotation read = Annotation.parse(written.text());

    assertEquals(written, read);
    assertEquals(
        "Primary DB\nof the lab\n\n[vmtree]\nfull_name=/lab/db/pg1\ntag.a%3Db%20c=x%0Ay\ntag.env=lab\n",
        written.text());
  }

  @Test
  void withoutDescription() {
    Annotation read = Annotation.parse("[vmtree]\nfull_name=/web1\n");
    assertNull(read.description());
    assertEquals("/web1", read.marker());
  }

  @Test
  void notesWithoutTheBlockAreAnUnmanagedVmsDescription() {
    Annotation read = Annotation.parse("Installed by hand by Bob\n[vmtree] is not here");
    assertNull(read.marker());
    assertEquals("Installed by hand by Bob\n[vmtree] is not here", read.description());
    assertNull(Annotation.parse("").marker());
    assertNull(Annotation.parse(null).marker());
    assertNull(Annotation.parse("x\n[vmtree]\nno marker\n").marker());
  }
}
