package io.vmtree.connector;

import java.util.List;

/**
 * What a delete left behind.
 *
 * @param existed false when the VM was already gone (a delete of an absent VM succeeds)
 * @param keptDisks the disks kept when asked to ({@code keep_disks}), else empty
 */
public record DeleteResult(boolean existed, List<String> keptDisks) {
  public DeleteResult {
    keptDisks = List.copyOf(keptDisks);
  }
}
