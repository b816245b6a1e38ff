package io.vmtree.cli;

import io.vmtree.engine.DriftReport;
import io.vmtree.engine.Engine;
import io.vmtree.report.DiagnosticsRenderer;
import io.vmtree.report.Style;
import io.vmtree.state.LocalStateBackend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vmtree drift TREE}: what changed on the hypervisors behind vmtree's back (SPEC §4, §11).
 * Each {@code --format} goes to the {@code --output} written next to it, or to standard output;
 * several reports are written in one run, from one refresh.
 */
@Command(
    name = "drift",
    mixinStandardHelpOptions = true,
    description = {
      "Reports what changed on the hypervisors behind vmtree's back: VMs changed,",
      "missing, unreachable, unmanaged (no vmtree marker) or orphaned (a marker the",
      "state does not know). Lists every hypervisor once; never writes the state and",
      "takes no lock. Exit codes: 0 no drift (or only in lifecycle.ignore_changes",
      "fields), 2 drift found, 1 error."
    },
    footer = {
      "",
      "Each --format is paired with the --output that follows it (before the next",
      "--format); a format without --output goes to standard output (at most one).",
      "Without --format, text goes to standard output. For example, in CI:",
      "  vmtree drift lab --format text --format junit --output drift.xml \\",
      "                   --format sarif --output drift.sarif"
    })
final class DriftCommand extends EngineCommand {
  @Mixin StateOption state;

  @Parameters(index = "0", paramLabel = "TREE", description = "The tree's root directory.")
  Path tree;

  @ArgGroup(exclusive = false, multiplicity = "0..*")
  List<Report> reports = new ArrayList<>();

  /** One report: a format, and the file it goes to. */
  static final class Report {
    @Option(
        names = "--format",
        required = true,
        paramLabel = "FORMAT",
        converter = FormatConverter.class,
        description = "text (default), json, junit, markdown or sarif.")
    DriftFormat format;

    @Option(
        names = "--output",
        paramLabel = "FILE",
        description = "Write the --format before it to FILE instead of standard output.")
    Path output;
  }

  /** Accepts the format names in any case, listing them when one is unknown. */
  static final class FormatConverter implements picocli.CommandLine.ITypeConverter<DriftFormat> {
    @Override
    public DriftFormat convert(String value) {
      for (DriftFormat format : DriftFormat.values()) {
        if (format.name().equalsIgnoreCase(value)) {
          return format;
        }
      }
      throw new picocli.CommandLine.TypeConversionException(
          "unknown format '" + value + "' (text, json, junit, markdown or sarif)");
    }
  }

  @Override
  protected int run(Engine engine, Terminal terminal) throws IOException {
    List<Report> wanted = reports.isEmpty() ? List.of(textOnStdout()) : reports;
    List<Report> toStdout = wanted.stream().filter(r -> r.output == null).toList();
    if (toStdout.size() > 1) {
      throw new CliException(
          ExitCodes.ERROR,
          "only one format can go to standard output, got "
              + toStdout.stream().map(r -> label(r.format)).toList()
              + "; give the others an --output FILE after their --format");
    }
    DriftReport report = engine.drift(tree, LocalStateBackend.of(state.path()));
    Style style = new Style(terminal.color());
    DiagnosticsRenderer.render(report.diagnostics(), terminal.err(), style);
    if (report.diagnostics().hasErrors()) {
      return ExitCodes.ERROR;
    }
    Path base = Path.of("").toAbsolutePath();
    String version = version();
    for (Report r : wanted) {
      if (r.output != null) {
        write(r.output, r.format.render(report, new Style(false), base, version));
      }
    }
    terminal
        .err()
        .println(
            style.dim(
                String.format(
                    "Refreshed %d hypervisor(s) with %d call(s); checked %d descriptor(s) in"
                        + " %.2f s.",
                    report.hypervisors().size(),
                    report.totalCalls(),
                    report.descriptors().size(),
                    report.took().toMillis() / 1000.0)));
    for (Report r : wanted) {
      if (r.output != null) {
        terminal
            .err()
            .println(style.dim("Wrote the " + label(r.format) + " report to " + r.output));
      }
    }
    terminal.err().flush();
    for (Report r : toStdout) {
      terminal.out().print(r.format.render(report, style, base, version));
      terminal.out().flush();
    }
    return report.found() ? ExitCodes.CHANGES : ExitCodes.OK;
  }

  private static Report textOnStdout() {
    Report text = new Report();
    text.format = DriftFormat.TEXT;
    return text;
  }

  private static String label(DriftFormat format) {
    return format.name().toLowerCase(java.util.Locale.ROOT);
  }

  private static String version() {
    try {
      String line = new VersionProvider().getVersion()[0];
      return line.substring(line.indexOf(' ') + 1);
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** Writes {@code content} to {@code file} atomically, so a reader never sees half a report. */
  private static void write(Path file, String content) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
      try {
        Files.writeString(temp, content, StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new CliException(ExitCodes.ERROR, "cannot write " + file + ": " + e.getMessage());
    }
  }
}
