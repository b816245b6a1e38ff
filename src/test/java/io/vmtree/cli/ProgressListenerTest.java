package io.vmtree.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vmtree.ops.Operation;
import io.vmtree.ops.OperationStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProgressListenerTest {
  @ParameterizedTest(name = "{0} ms -> \"{1}\"")
  @CsvSource({
    "0, ' in 0.00 s'",
    "4, ' in 0.00 s'",
    "5, ' in 0.01 s'",
    "90, ' in 0.09 s'",
    "1234, ' in 1.23 s'",
    "1235, ' in 1.24 s'",
    "60005, ' in 60.01 s'"
  })
  void aDurationIsShownInSecondsWithTwoDecimalsRoundedHalfUp(long millis, String text) {
    Instant started = Instant.parse("2026-11-26T05:00:00Z");
    Operation op =
        new Operation(
            7,
            "deploy",
            List.of("/lab/web1"),
            started,
            started,
            started.plusMillis(millis),
            OperationStatus.SUCCEEDED,
            Map.of(),
            null);

    assertEquals(text, ProgressListener.took(op));
  }
}
