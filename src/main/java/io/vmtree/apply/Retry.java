package io.vmtree.apply;

import io.vmtree.connector.ConnectorException;
import java.util.function.Supplier;

/**
 * Retries hypervisor calls that failed with a retryable kind (locked, transient), with exponential
 * backoff; any other failure is final at once.
 *
 * @param attempts how many times to try in all
 * @param firstDelayMillis the wait before the second try; doubled each time, capped at 5 s
 */
public record Retry(int attempts, long firstDelayMillis) {
  /** Five tries, from 50 ms. */
  public static final Retry DEFAULT = new Retry(5, 50);

  /** {@return the call's result, retried as needed} */
  public <T> T call(Supplier<T> call) {
    long delay = firstDelayMillis;
    for (int attempt = 1; ; attempt++) {
      try {
        return call.get();
      } catch (ConnectorException e) {
        if (!e.retryable() || attempt >= attempts) {
          throw e;
        }
      }
      try {
        Thread.sleep(
            delay + java.util.concurrent.ThreadLocalRandom.current().nextLong(delay / 2 + 1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ConnectorException(ConnectorException.Kind.TRANSIENT, "interrupted", e);
      }
      delay = Math.min(delay * 2, 5_000);
    }
  }
}
