package io.vmtree.server;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per caller (token name, or client address before authentication): {@code rate}
 * requests a second on average, bursts of up to {@code burst}. A rate of 0 turns it off.
 */
final class RateLimiter {
  private final double rate;
  private final double burst;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  RateLimiter(double rate, double burst) {
    this.rate = rate;
    this.burst = Math.max(1, burst);
  }

  /** {@return whether it limits at all (a rate of 0 does not)} */
  boolean limits() {
    return rate > 0;
  }

  /** {@return 0 when {@code caller} may go on, else the seconds to wait before asking again} */
  long tryAcquire(String caller) {
    if (rate <= 0) {
      return 0;
    }
    return buckets.computeIfAbsent(caller, c -> new Bucket(burst)).take(rate, burst);
  }

  private static final class Bucket {
    private double tokens;
    private long last = System.nanoTime();

    Bucket(double burst) {
      this.tokens = burst;
    }

    synchronized long take(double rate, double burst) {
      long now = System.nanoTime();
      tokens = Math.min(burst, tokens + (now - last) / 1e9 * rate);
      last = now;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((1 - tokens) / rate));
    }
  }
}
