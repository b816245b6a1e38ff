package io.vmtree.cli;

import io.vmtree.engine.DriftReport;
import io.vmtree.report.DriftJson;
import io.vmtree.report.DriftJunit;
import io.vmtree.report.DriftMarkdown;
import io.vmtree.report.DriftSarif;
import io.vmtree.report.DriftText;
import io.vmtree.report.Json;
import io.vmtree.report.Style;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;

/** The formats of {@code vmtree drift} (SPEC §4), each rendered by its class in {@code report}. */
enum DriftFormat {
  TEXT,
  JSON,
  JUNIT,
  MARKDOWN,
  SARIF;

  /**
   * {@return the report in this format}
   *
   * @param style colors, for text on a terminal only
   * @param base the directory SARIF file locations are relative to (where vmtree runs)
   */
  String render(DriftReport report, Style style, Path base, String version) {
    return switch (this) {
      case TEXT -> {
        StringWriter text = new StringWriter();
        DriftText.render(report, new PrintWriter(text), style);
        yield text.toString();
      }
      case JSON -> Json.write(DriftJson.document(report)) + "\n";
      case JUNIT -> DriftJunit.render(report, Instant.now());
      case MARKDOWN -> DriftMarkdown.render(report);
      case SARIF -> Json.write(DriftSarif.render(report, base, version)) + "\n";
    };
  }
}
