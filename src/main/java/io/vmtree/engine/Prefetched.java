package io.vmtree.engine;

import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;

/**
 * A value made on a thread of its own from the moment this is created, so that what is done
 * meanwhile (picocli building its model; the tree validated while the state is read) runs on
 * another core; {@link #get} waits for it, and throws what making it threw. A value never asked for
 * costs its thread, nothing else: the thread is a daemon, so it never keeps the program from
 * ending.
 */
public final class Prefetched<T> implements Supplier<T> {
  private final FutureTask<T> task;

  private Prefetched(Supplier<T> maker) {
    this.task = new FutureTask<>(maker::get);
  }

  /**
   * {@return the value of {@code maker}, being made from now on a daemon thread named {@code name}}
   */
  public static <T> Prefetched<T> start(String name, Supplier<T> maker) {
    Prefetched<T> prefetched = new Prefetched<>(Objects.requireNonNull(maker, "maker"));
    Thread thread = new Thread(prefetched.task, name);
    thread.setDaemon(true);
    thread.start();
    return prefetched;
  }

  @Override
  public T get() {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return task.get();
        } catch (InterruptedException e) {
          interrupted = true; // the value is needed to go on: wait, and keep the interrupt
        }
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(cause);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
