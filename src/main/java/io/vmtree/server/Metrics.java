package io.vmtree.server;

import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.function.LongSupplier;

/**
 * The counters of {@code GET /metrics}, written in the Prometheus text format (0.0.4). Labelled
 * series are kept in maps keyed by their label values; gauges are read when scraped.
 */
final class Metrics {
  private static final double[] BUCKETS = {0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300};

  private final Map<String, AtomicLong> operations = new ConcurrentHashMap<>();
  private final Map<String, Histogram> durations = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> hypervisorCalls = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> hypervisorErrors = new ConcurrentHashMap<>();
  private final Map<RequestKey, AtomicLong> requests = new ConcurrentHashMap<>();
  private final Map<String, LongSupplier> gauges = new ConcurrentHashMap<>();
  private final Map<String, LongSupplier> counters = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> driftRuns = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> driftCalls = new ConcurrentHashMap<>();
  private volatile LastDrift lastDrift;

  /** A series of {@code vmtree_http_requests_total} (a record: no key text built per request). */
  private record RequestKey(String route, int status) {}

  /** What the last drift run that succeeded found, and when it ended. */
  private record LastDrift(Map<String, Long> byKind, double endedAt, double seconds) {}

  /**
   * A drift run ended with {@code byKind} (every kind, 0 when none); it made {@code calls} to the
   * hypervisors.
   */
  void driftRan(
      Map<String, Long> byKind,
      Map<String, Long> calls,
      java.time.Instant endedAt,
      java.time.Duration took) {
    count(driftRuns, "succeeded", 1);
    calls.forEach((hypervisor, n) -> count(driftCalls, hypervisor, n));
    calls.forEach(this::hypervisorCalls);
    lastDrift =
        new LastDrift(new TreeMap<>(byKind), endedAt.toEpochMilli() / 1000.0, took.toNanos() / 1e9);
  }

  /** A drift run failed (the tree never validated, say); the last report stays. */
  void driftFailed() {
    count(driftRuns, "failed", 1);
  }

  /** An operation ended: a request's (plan, apply, ...) or a step of an apply. */
  void operationEnded(String type, String status, double seconds) {
    count(operations, type + "\u0000" + status, 1);
    durations.computeIfAbsent(type, t -> new Histogram()).observe(seconds);
  }

  /** {@code calls} more calls were made to {@code hypervisor}. */
  void hypervisorCalls(String hypervisor, long calls) {
    if (calls > 0) {
      count(hypervisorCalls, hypervisor, calls);
    }
  }

  /** A call to {@code hypervisor} failed (after its retries). */
  void hypervisorError(String hypervisor) {
    count(hypervisorErrors, hypervisor, 1);
  }

  /** An HTTP request was answered. */
  void request(String route, int status) {
    requests
        .computeIfAbsent(new RequestKey(route, status), k -> new AtomicLong())
        .incrementAndGet();
  }

  /** Registers a gauge read at each scrape. */
  void gauge(String name, LongSupplier value) {
    gauges.put(name, value);
  }

  /** Registers a counter kept elsewhere (it only grows), read at each scrape. */
  void counter(String name, LongSupplier value) {
    counters.put(name, value);
  }

  /** {@return every series in the Prometheus text format} */
  String scrape() {
    StringBuilder out = new StringBuilder();
    header(out, "vmtree_operations_total", "counter", "Operations ended, by type and status.");
    new TreeMap<>(operations)
        .forEach(
            (key, n) -> {
              String[] parts = key.split("\u0000", 2);
              out.append("vmtree_operations_total{type=\"")
                  .append(escape(parts[0]))
                  .append("\",status=\"")
                  .append(escape(parts[1]))
                  .append("\"} ")
                  .append(n.get())
                  .append('\n');
            });
    header(
        out,
        "vmtree_operation_duration_seconds",
        "histogram",
        "How long operations ran, by type (submitted to finished for requests).");
    new TreeMap<>(durations).forEach((type, h) -> h.write(out, escape(type)));
    simple(
        out,
        "vmtree_hypervisor_calls_total",
        "Calls made to each hypervisor.",
        "hypervisor",
        hypervisorCalls);
    simple(
        out,
        "vmtree_hypervisor_errors_total",
        "Operations that failed on each hypervisor (after retries).",
        "hypervisor",
        hypervisorErrors);
    header(out, "vmtree_http_requests_total", "counter", "HTTP requests, by route and status.");
    Map<RequestKey, AtomicLong> sorted =
        new TreeMap<>(Comparator.comparing(RequestKey::route).thenComparingInt(RequestKey::status));
    sorted.putAll(requests);
    sorted.forEach(
        (key, n) -> {
          out.append("vmtree_http_requests_total{route=\"")
              .append(escape(key.route()))
              .append("\",code=\"")
              .append(key.status())
              .append("\"} ")
              .append(n.get())
              .append('\n');
        });
    drift(out);
    new TreeMap<>(counters)
        .forEach(
            (name, value) -> {
              header(out, name, "counter", gaugeHelp(name));
              out.append(name).append(' ').append(value.getAsLong()).append('\n');
            });
    new TreeMap<>(gauges)
        .forEach(
            (name, value) -> {
              header(out, name, "gauge", gaugeHelp(name));
              out.append(name).append(' ').append(value.getAsLong()).append('\n');
            });
    return out.toString();
  }

  private void drift(StringBuilder out) {
    header(out, "vmtree_drift_runs_total", "counter", "Drift runs, by result.");
    for (String result : new String[] {"failed", "succeeded"}) {
      AtomicLong n = driftRuns.get(result);
      out.append("vmtree_drift_runs_total{result=\"")
          .append(result)
          .append("\"} ")
          .append(n == null ? 0 : n.get())
          .append('\n');
    }
    simple(
        out,
        "vmtree_drift_hypervisor_calls_total",
        "Calls the drift runs made to each hypervisor (also counted in"
            + " vmtree_hypervisor_calls_total).",
        "hypervisor",
        driftCalls);
    LastDrift last = lastDrift;
    if (last == null) {
      return;
    }
    header(out, "vmtree_drift", "gauge", "Drift the last drift run found, by kind.");
    last.byKind()
        .forEach(
            (kind, n) ->
                out.append("vmtree_drift{kind=\"")
                    .append(escape(kind))
                    .append("\"} ")
                    .append(n)
                    .append('\n'));
    header(
        out,
        "vmtree_drift_last_run_timestamp_seconds",
        "gauge",
        "When the last drift run that succeeded ended (Unix time).");
    out.append("vmtree_drift_last_run_timestamp_seconds ")
        .append(decimal(last.endedAt()))
        .append('\n');
    header(
        out,
        "vmtree_drift_last_run_duration_seconds",
        "gauge",
        "How long the last drift run that succeeded took.");
    out.append("vmtree_drift_last_run_duration_seconds ")
        .append(decimal(last.seconds()))
        .append('\n');
  }

  /** {@return {@code n} with three decimals: a Unix time in plain digits, not 1.7E9} */
  private static String decimal(double n) {
    return String.format(java.util.Locale.ROOT, "%.3f", n);
  }

  private static String gaugeHelp(String name) {
    return switch (name) {
      case "vmtree_operations_queued" -> "Requests waiting in the queue.";
      case "vmtree_operations_running" -> "Requests running now.";
      case "vmtree_tree_descriptors" -> "Descriptors in the tree served.";
      case "vmtree_state_descriptors" -> "Descriptors in the state.";
      case "vmtree_tree_reloads_total" -> "Times the tree was read since the start.";
      default -> name;
    };
  }

  private static void simple(
      StringBuilder out, String name, String help, String label, Map<String, AtomicLong> series) {
    header(out, name, "counter", help);
    new TreeMap<>(series)
        .forEach(
            (value, n) ->
                out.append(name)
                    .append('{')
                    .append(label)
                    .append("=\"")
                    .append(escape(value))
                    .append("\"} ")
                    .append(n.get())
                    .append('\n'));
  }

  private static void header(StringBuilder out, String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void count(Map<String, AtomicLong> series, String key, long n) {
    series.computeIfAbsent(key, k -> new AtomicLong()).addAndGet(n);
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static final class Histogram {
    private final AtomicLong[] counts = new AtomicLong[BUCKETS.length];
    private final AtomicLong count = new AtomicLong();
    private final DoubleAdder sum = new DoubleAdder();

    Histogram() {
      for (int i = 0; i < counts.length; i++) {
        counts[i] = new AtomicLong();
      }
    }

    void observe(double seconds) {
      for (int i = 0; i < BUCKETS.length; i++) {
        if (seconds <= BUCKETS[i]) {
          counts[i].incrementAndGet();
        }
      }
      count.incrementAndGet();
      sum.add(seconds);
    }

    void write(StringBuilder out, String type) {
      String name = "vmtree_operation_duration_seconds";
      for (int i = 0; i < BUCKETS.length; i++) {
        out.append(name)
            .append("_bucket{type=\"")
            .append(type)
            .append("\",le=\"")
            .append(BUCKETS[i])
            .append("\"} ")
            .append(counts[i].get())
            .append('\n');
      }
      out.append(name)
          .append("_bucket{type=\"")
          .append(type)
          .append("\",le=\"+Inf\"} ")
          .append(count.get())
          .append('\n');
      out.append(name).append("_sum{type=\"").append(type).append("\"} ").append(sum.sum());
      out.append('\n');
      out.append(name).append("_count{type=\"").append(type).append("\"} ").append(count.get());
      out.append('\n');
    }
  }
}
