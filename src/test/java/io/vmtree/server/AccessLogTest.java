package io.vmtree.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The access log's lines, as its writing thread formats them in batches. */
class AccessLogTest {
  @Test
  void eachAnswerIsOneLineWithTheTimeTheCallerAndWhatTheClientChoseEscaped() throws Exception {
    StringWriter out = new StringWriter();
    AccessLog log = new AccessLog(new PrintWriter(out), 0);
    InetSocketAddress from = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);
    Instant before = Instant.now();
    log.add(from, "web-team", "GET", "/v1/descriptors/web/web1", 200, 4_200_000);
    log.add(from, "-", "GET", "/v1/x\n2026-01-01T00:00:00Z forged", 404, 999_999);
    for (int i = 0; i < 3_000; i++) { // more than one batch of text
      log.add(from, "ops", "POST", "/v1/plan", 202, 1_000_000L * i);
    }
    log.stop();

    List<String> lines = out.toString().lines().toList();
    assertEquals(3_002, lines.size());
    String[] first = lines.get(0).split(" ");
    Instant at = Instant.parse(first[0]);
    assertTrue(!at.isBefore(before.minusMillis(1)) && !at.isAfter(Instant.now()), first[0]);
    assertTrue(first[0].matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), first[0]);
    assertEquals(
        "127.0.0.1 web-team GET /v1/descriptors/web/web1 200 4ms",
        lines.get(0).substring(first[0].length() + 1));
    assertTrue(
        lines.get(1).endsWith(" 127.0.0.1 - GET /v1/x\\n2026-01-01T00:00:00Z forged 404 0ms"),
        lines.get(1));
    assertTrue(lines.get(3_001).endsWith(" ops POST /v1/plan 202 2999ms"), lines.get(3_001));
  }
}
