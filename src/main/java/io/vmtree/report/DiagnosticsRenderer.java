package io.vmtree.report;

import io.vmtree.diag.Diagnostic;
import io.vmtree.diag.Diagnostics;
import java.io.PrintWriter;
import java.util.List;

/** Prints diagnostics one a line, {@code file:line:col: message}, sorted, then a count. */
public final class DiagnosticsRenderer {
  private DiagnosticsRenderer() {}

  /** Writes every diagnostic and, when there are errors, a closing count line. */
  public static void render(Diagnostics diagnostics, PrintWriter out, Style style) {
    List<Diagnostic> all = diagnostics.sorted();
    long errors = all.stream().filter(Diagnostic::isError).count();
    for (Diagnostic d : all) {
      String line = d.format();
      out.println(d.isError() ? line : style.warning(line));
    }
    if (errors > 0) {
      out.println(style.error(errors + (errors == 1 ? " error" : " errors")));
    }
    out.flush();
  }
}
