package dev.perftrace.internal;

import dev.perftrace.PerfAttributes;
import io.opentelemetry.api.common.Attributes;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An interned operation name with its precomputed metric attributes. Internal: not API.
 *
 * <p>Thread safety: immutable apart from the error-attribute cache, which is concurrent and
 * bounded by the error-type registry.
 */
final class OperationDescriptor {
  static final String SUCCESS = "success";
  static final String ERROR = "error";
  static final String CANCELLED = "cancelled";

  final DefaultPerfTracer owner;
  final String name;
  final Attributes nameOnly;
  final Attributes success;
  final Attributes cancelled;
  private final ConcurrentHashMap<String, Attributes> errors = new ConcurrentHashMap<>();

  OperationDescriptor(DefaultPerfTracer owner, String name) {
    this.owner = owner;
    this.name = name;
    this.nameOnly = Attributes.of(PerfAttributes.OPERATION_NAME, name);
    this.success = outcome(SUCCESS);
    this.cancelled = outcome(CANCELLED);
  }

  private Attributes outcome(String outcome) {
    return Attributes.of(
        PerfAttributes.OPERATION_NAME, name, PerfAttributes.OPERATION_OUTCOME, outcome);
  }

  /** Returns the attributes of a failed operation with the given (bounded) error type. */
  Attributes error(String errorType) {
    Attributes attributes = errors.get(errorType);
    if (attributes == null) {
      attributes =
          errors.computeIfAbsent(
              errorType,
              t ->
                  Attributes.of(
                      PerfAttributes.OPERATION_NAME,
                      name,
                      PerfAttributes.OPERATION_OUTCOME,
                      ERROR,
                      PerfAttributes.ERROR_TYPE,
                      t));
    }
    return attributes;
  }
}
