package io.vmtree.server;

import io.vmtree.diag.Diagnostic;
import io.vmtree.engine.Engine;
import io.vmtree.engine.Validation;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The tree served, validated once and kept in memory for the reads; read again when a file under it
 * changes (a {@link WatchService} on every directory, changes gathered for a short quiet time) or
 * on {@code POST /v1/reload}. A tree that no longer validates does not replace the last good one:
 * reads keep answering from it, and {@code GET /v1/tree} lists the errors.
 */
final class TreeView implements AutoCloseable {
  /** How long the files must stay quiet after a change before the tree is read again. */
  private static final long QUIET_MS = 300;

  /** One reading of the tree; {@code problems} are its errors. */
  record Loaded(
      Validation validation,
      List<Diagnostic> problems,
      Instant loadedAt,
      long generation,
      long tookMs) {
    Loaded {
      problems = List.copyOf(problems);
    }

    /** {@return its errors as printed: {@code file:line:col: summary}} */
    List<String> errors() {
      return problems.stream().map(Diagnostic::format).toList();
    }
  }

  private final Engine engine;
  private final Path root;
  private final PrintWriter log;
  private final ThreadPoolExecutor reloads;
  private final AtomicLong generation = new AtomicLong();
  private volatile Loaded current;
  private WatchService watcher;
  private Thread watching;

  TreeView(Engine engine, Path root, PrintWriter log) {
    this.engine = engine;
    this.root = root;
    this.log = log;
    this.reloads =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "vmtree-tree-reload");
              t.setDaemon(true);
              return t;
            });
    reloads.prestartAllCoreThreads();
  }

  /** {@return the tree's root directory} */
  Path root() {
    return root;
  }

  /** {@return the last reading; its validation is the last one without errors, if any} */
  Loaded current() {
    return current;
  }

  /**
   * {@return a reading made now on a thread of the service's own}: the reading reads files on the
   * common fork-join pool, whose threads a request's thread would start if they are not running,
   * and those would inherit its lower CPU priority (see Nice)
   */
  CompletableFuture<Loaded> reloadForRequest() {
    return CompletableFuture.supplyAsync(this::reload, reloads);
  }

  /** {@return the reading made now} */
  synchronized Loaded reload() {
    long start = System.nanoTime();
    Validation validation = engine.validate(root);
    List<Diagnostic> errors = validation.diagnostics().errors();
    Loaded previous = current;
    Validation kept = validation.isValid() || previous == null ? validation : previous.validation();
    Loaded loaded =
        new Loaded(
            kept,
            errors,
            Instant.now(),
            generation.incrementAndGet(),
            (System.nanoTime() - start) / 1_000_000);
    current = loaded;
    int count = kept.tree().map(t -> t.descriptors().size()).orElse(0);
    log.println(
        "tree "
            + root
            + " read (generation "
            + loaded.generation()
            + "): "
            + count
            + " descriptors"
            + (errors.isEmpty()
                ? ""
                : ", "
                    + errors.size()
                    + " error(s)"
                    + (validation.isValid() || previous == null
                        ? ""
                        : "; still serving generation " + previous.generation()))
            + " in "
            + loaded.tookMs()
            + " ms");
    log.flush();
    return loaded;
  }

  /** Starts watching the tree's directories; a change reads the tree again. */
  void watch() throws IOException {
    watcher = FileSystems.getDefault().newWatchService();
    registerAll(root);
    watching = new Thread(this::watchLoop, "vmtree-tree-watch");
    watching.setDaemon(true);
    watching.start();
  }

  private void watchLoop() {
    try {
      while (true) {
        WatchKey key = watcher.take();
        boolean changed = drain(key);
        // gather a burst of changes (a git checkout) into one reading
        WatchKey more;
        while ((more = watcher.poll(QUIET_MS, TimeUnit.MILLISECONDS)) != null) {
          changed |= drain(more);
        }
        if (changed) {
          registerAll(root);
          reload();
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // stopping
    } catch (IOException | RuntimeException e) {
      log.println("watching " + root + " stopped: " + e.getMessage() + "; use POST /v1/reload");
      log.flush();
    }
  }

  private static boolean drain(WatchKey key) {
    boolean any = !key.pollEvents().isEmpty();
    key.reset();
    return any;
  }

  private void registerAll(Path dir) throws IOException {
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs)
              throws IOException {
            if (!d.equals(dir) && d.getFileName().toString().startsWith(".")) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            d.register(
                watcher,
                StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_DELETE,
                StandardWatchEventKinds.ENTRY_MODIFY);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  @Override
  public void close() {
    if (watcher != null) {
      try {
        watcher.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    if (watching != null) {
      watching.interrupt();
    }
    reloads.shutdown();
  }
}
