package io.vmtree.report;

import io.vmtree.engine.DriftReport;
import io.vmtree.plan.Drift;
import io.vmtree.plan.DriftField;
import io.vmtree.tree.Status;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * {@code drift --format junit}: the JUnit XML that CI test tabs read (GitHub test reporters, GitLab
 * {@code artifacts:reports:junit}, Jenkins). Two suites: one test case per descriptor of the state
 * (a {@code <failure>} when it drifted, its type the drift kind; {@code <skipped>} when it has no
 * VM to compare; drift only in ignored fields passes, noted in {@code <system-out>}), and one test
 * case per hypervisor (a {@code <failure>} listing unmanaged and orphaned VMs, or saying it could
 * not be reached). Valid against Jenkins' {@code junit-10.xsd}.
 */
public final class DriftJunit {
  private DriftJunit() {}

  /** {@return the report as a JUnit XML document} */
  public static String render(DriftReport report, Instant now) {
    List<Case> descriptors = descriptorCases(report);
    List<Case> hypervisors = hypervisorCases(report);
    StringWriter text = new StringWriter();
    try {
      XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(text);
      xml.writeStartDocument("UTF-8", "1.0");
      xml.writeCharacters("\n");
      xml.writeStartElement("testsuites");
      xml.writeAttribute("name", "vmtree drift");
      xml.writeAttribute("tests", "" + (descriptors.size() + hypervisors.size()));
      xml.writeAttribute("failures", "" + (failures(descriptors) + failures(hypervisors)));
      xml.writeAttribute("errors", "0");
      xml.writeAttribute("time", seconds(report));
      String timestamp =
          DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(
              now.truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC));
      suite(xml, "vmtree drift: descriptors", descriptors, report, timestamp);
      suite(xml, "vmtree drift: hypervisors", hypervisors, report, timestamp);
      xml.writeCharacters("\n");
      xml.writeEndElement();
      xml.writeCharacters("\n");
      xml.writeEndDocument();
      xml.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("cannot write JUnit XML", e);
    }
    return text.toString();
  }

  /** One test case: its outcome, a failure message and details, or a skip reason, or notes. */
  private record Case(
      String classname,
      String name,
      String failureType,
      String message,
      String details,
      String skipped,
      String notes) {}

  private static List<Case> descriptorCases(DriftReport report) {
    Map<String, List<Drift>> drift = report.driftByDescriptor();
    List<Case> cases = new ArrayList<>();
    for (DriftReport.Checked d : report.descriptors()) {
      String folder = d.fullName().substring(0, Math.max(1, d.fullName().lastIndexOf('/')));
      List<Drift> own = drift.getOrDefault(d.fullName(), List.of());
      List<Drift> failing = own.stream().filter(Drift::counts).toList();
      String notes = own.stream().allMatch(Drift::counts) ? null : ignoredNotes(own);
      if (!failing.isEmpty()) {
        cases.add(
            new Case(
                folder,
                d.fullName(),
                failing.get(0).kind().label(),
                failing.stream().map(DriftText::headline).reduce((a, b) -> a + "; " + b).get(),
                details(failing),
                null,
                notes));
      } else if (d.status() == Status.PROVISIONED) {
        cases.add(
            new Case(
                folder, d.fullName(), null, null, null, "provisioned: no VM to compare", null));
      } else {
        cases.add(new Case(folder, d.fullName(), null, null, null, null, notes));
      }
    }
    return cases;
  }

  private static List<Case> hypervisorCases(DriftReport report) {
    Map<String, List<Drift>> strays = report.strayVmsByHypervisor();
    List<Case> cases = new ArrayList<>();
    for (DriftReport.HypervisorCheck h : report.hypervisors()) {
      List<Drift> own = strays.getOrDefault(h.name(), List.of());
      if (!h.reachable()) {
        cases.add(
            new Case(
                "hypervisors",
                h.name(),
                "unreachable",
                "hypervisor " + h.name() + " is unreachable (" + h.message() + ")",
                "its descriptors are reported as unreachable; the other hypervisors were checked",
                null,
                null));
      } else if (!own.isEmpty()) {
        cases.add(
            new Case(
                "hypervisors",
                h.name(),
                own.get(0).kind().label(),
                own.size() + " VM(s) on " + h.name() + " that the state does not hold",
                details(own),
                null,
                null));
      } else {
        cases.add(
            new Case(
                "hypervisors",
                h.name(),
                null,
                null,
                null,
                null,
                h.vms() + " VM(s) listed, all held by the state"));
      }
    }
    return cases;
  }

  private static String details(List<Drift> drift) {
    StringBuilder text = new StringBuilder();
    Style plain = new Style(false);
    for (Drift d : drift) {
      text.append(DriftText.headline(d)).append('\n');
      for (DriftField f : d.fields()) {
        text.append("  ").append(DriftText.fieldLine(f, plain)).append('\n');
      }
    }
    return text.toString();
  }

  private static String ignoredNotes(List<Drift> drift) {
    StringBuilder text =
        new StringBuilder("drift only in ignored fields (lifecycle.ignore_changes):\n");
    Style plain = new Style(false);
    for (Drift d : drift) {
      for (DriftField f : d.fields()) {
        if (f.ignored()) {
          text.append("  ").append(DriftText.fieldLine(f, plain)).append('\n');
        }
      }
    }
    return text.toString();
  }

  private static long failures(List<Case> cases) {
    return cases.stream().filter(c -> c.failureType() != null).count();
  }

  private static void suite(
      XMLStreamWriter xml, String name, List<Case> cases, DriftReport report, String timestamp)
      throws XMLStreamException {
    xml.writeCharacters("\n  ");
    xml.writeStartElement("testsuite");
    xml.writeAttribute("name", name);
    xml.writeAttribute("tests", "" + cases.size());
    xml.writeAttribute("failures", "" + failures(cases));
    xml.writeAttribute("errors", "0");
    xml.writeAttribute("skipped", "" + cases.stream().filter(c -> c.skipped() != null).count());
    xml.writeAttribute("time", seconds(report));
    xml.writeAttribute("timestamp", timestamp);
    for (Case c : cases) {
      xml.writeCharacters("\n    ");
      xml.writeStartElement("testcase");
      xml.writeAttribute("classname", c.classname());
      xml.writeAttribute("name", c.name());
      xml.writeAttribute("time", "0");
      if (c.failureType() != null) {
        xml.writeCharacters("\n      ");
        xml.writeStartElement("failure");
        xml.writeAttribute("type", c.failureType());
        xml.writeAttribute("message", c.message());
        xml.writeCharacters(c.details());
        xml.writeEndElement();
      }
      if (c.skipped() != null) {
        xml.writeCharacters("\n      ");
        xml.writeEmptyElement("skipped");
        xml.writeAttribute("message", c.skipped());
      }
      if (c.notes() != null) {
        xml.writeCharacters("\n      ");
        xml.writeStartElement("system-out");
        xml.writeCharacters(c.notes());
        xml.writeEndElement();
      }
      if (c.failureType() != null || c.skipped() != null || c.notes() != null) {
        xml.writeCharacters("\n    ");
      }
      xml.writeEndElement();
    }
    xml.writeCharacters("\n  ");
    xml.writeEndElement();
  }

  private static String seconds(DriftReport report) {
    return String.format(Locale.ROOT, "%.3f", report.took().toMillis() / 1000.0);
  }
}
