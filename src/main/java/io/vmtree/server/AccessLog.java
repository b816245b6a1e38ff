package io.vmtree.server;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The access log: one line per answer, {@code TIME ADDRESS TOKEN-NAME METHOD PATH STATUS
 * DURATIONms}, with every field a client chooses escaped ({@link LogText}).
 *
 * <p>Its own thread writes the lines every {@link #FLUSH_MS}; a request only queues its line (no
 * lock, no formatting), because a line written by each request thread, under the log's lock, made
 * 50 concurrent readers wait for each other (JFR: the most contended monitor of the read path).
 * That thread runs at the reads' priority ({@code --http-nice}): the log is their cost. The lines
 * are formatted into one reused buffer, the time's date and second once a second, and written a
 * batch at a time: a string built per line, and a write per field, were a sixth of what a read
 * allocated.
 */
final class AccessLog {
  static final long FLUSH_MS = 200;

  /** Lines queued beyond this many are dropped, and the log says how many. */
  private static final int MAX_PENDING = 100_000;

  /** One answer, formatted when it is written. */
  private record Line(
      long epochMilli,
      InetSocketAddress from,
      String who,
      String method,
      String path,
      int status,
      long nanos) {}

  private final PrintWriter log;
  private final ScheduledExecutorService writer;
  private final ConcurrentLinkedQueue<Line> pending = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pendingCount = new AtomicInteger();
  private final AtomicLong dropped = new AtomicLong();

  /** The second last written, and its text (touched by the writing thread only, under lock). */
  private long second = Long.MIN_VALUE;

  private String secondText;

  AccessLog(PrintWriter log, int nice) {
    this.log = log;
    this.writer =
        Executors.newSingleThreadScheduledExecutor(
            Nice.lowered(() -> "vmtree-access-log", nice, log));
  }

  void start() {
    writer.scheduleWithFixedDelay(this::write, FLUSH_MS, FLUSH_MS, TimeUnit.MILLISECONDS);
  }

  /** Queues the line of an answer given {@code nanos} after its request arrived. */
  void add(InetSocketAddress from, String who, String method, String path, int status, long nanos) {
    if (pendingCount.incrementAndGet() > MAX_PENDING) {
      pendingCount.decrementAndGet();
      dropped.incrementAndGet();
      return;
    }
    pending.add(new Line(System.currentTimeMillis(), from, who, method, path, status, nanos));
  }

  /** Stops the writing thread and writes what is queued. */
  void stop() {
    writer.shutdown();
    write();
  }

  /** Writes the queued lines, and flushes the log. */
  private synchronized void write() {
    Line line;
    while ((line = pending.poll()) != null) {
      pendingCount.decrementAndGet();
      format(line);
      if (text.length() >= BATCH_CHARS) {
        writeText();
      }
    }
    writeText();
    long lost = dropped.getAndSet(0);
    if (lost > 0) {
      log.println(lost + " lines of the access log dropped: it was written too slowly");
    }
    log.flush();
  }

  /** Lines are formatted into {@link #text} and written this many characters at a time. */
  private static final int BATCH_CHARS = 32 * 1024;

  private final StringBuilder text = new StringBuilder(BATCH_CHARS + 1024);
  private char[] chars = new char[0];

  private void writeText() {
    int length = text.length();
    if (length == 0) {
      return;
    }
    if (chars.length < length) {
      chars = new char[Math.max(length, BATCH_CHARS + 1024)];
    }
    text.getChars(0, length, chars, 0);
    log.write(chars, 0, length);
    text.setLength(0);
  }

  private void format(Line line) {
    long lineSecond = Math.floorDiv(line.epochMilli(), 1000);
    if (lineSecond != second) {
      second = lineSecond;
      secondText =
          DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(
              LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC));
    }
    long millis = Math.floorMod(line.epochMilli(), 1000);
    text.append(secondText).append('.');
    if (millis < 100) {
      text.append(millis < 10 ? "00" : "0");
    }
    text.append(millis)
        .append("Z ")
        .append(line.from().getAddress().getHostAddress())
        .append(' ')
        .append(LogText.escape(line.who()))
        .append(' ')
        .append(LogText.escape(line.method()))
        .append(' ')
        .append(LogText.escape(line.path()))
        .append(' ')
        .append(line.status())
        .append(' ')
        .append(line.nanos() / 1_000_000)
        .append("ms")
        .append(System.lineSeparator());
  }
}
