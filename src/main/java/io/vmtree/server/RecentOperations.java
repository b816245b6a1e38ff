package io.vmtree.server;

import io.vmtree.ops.Operation;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The latest records of the steps of applies this service ran, by id, so that polling an operation
 * does not read the journal; bounded, the oldest dropped first (the journal still has them).
 */
final class RecentOperations {
  private final Map<Long, Operation> operations;

  RecentOperations(int capacity) {
    this.operations =
        new LinkedHashMap<>() {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<Long, Operation> eldest) {
            return size() > capacity;
          }
        };
  }

  synchronized void put(Operation operation) {
    operations.put(operation.id(), operation);
  }

  synchronized Optional<Operation> get(long id) {
    return Optional.ofNullable(operations.get(id));
  }
}
