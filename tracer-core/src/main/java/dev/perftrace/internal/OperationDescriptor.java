package dev.perftrace.internal;

import dev.perftrace.PerfAttributes;
import io.opentelemetry.api.common.Attributes;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An interned operation name of one instrumentation scope, shared by every tracer of that scope:
 * its precomputed metric attributes, resolved against the scope's series budget of {@code
 * perftrace.operation.duration}, and its in-flight count. Internal: not API.
 *
 * <p>Thread safety: safe for concurrent use; the caches are bounded by the series budget.
 */
final class OperationDescriptor {
  static final String SUCCESS = "success";
  static final String ERROR = "error";
  static final String CANCELLED = "cancelled";

  final ScopeTelemetry scope;
  final String name;
  final Attributes nameOnly;
  /** In-flight operations of this name, read by {@code perftrace.operation.active}. */
  final Series active;
  private final Attributes success;
  private final Attributes cancelled;
  private volatile Attributes successResolved;
  private volatile Attributes cancelledResolved;
  /** Only admitted error attribute sets; folded ones are not kept. */
  private final ConcurrentHashMap<String, Attributes> errors = new ConcurrentHashMap<>();

  OperationDescriptor(ScopeTelemetry scope, String name) {
    this.scope = scope;
    this.name = name;
    this.nameOnly = Attributes.of(PerfAttributes.OPERATION_NAME, name);
    this.active = new Series(nameOnly);
    boolean overflow = PerfAttributes.OVERFLOW_VALUE.equals(name);
    // the overflow name's sets are the budget's fold sets themselves (identity matters below)
    this.success = overflow ? scope.durationFoldSuccess : outcome(name, SUCCESS);
    this.cancelled = overflow ? scope.durationFoldCancelled : outcome(name, CANCELLED);
  }

  static Attributes outcome(String name, String outcome) {
    return Attributes.of(
        PerfAttributes.OPERATION_NAME, name, PerfAttributes.OPERATION_OUTCOME, outcome);
  }

  static Attributes error(String name, String errorType) {
    return Attributes.of(
        PerfAttributes.OPERATION_NAME,
        name,
        PerfAttributes.OPERATION_OUTCOME,
        ERROR,
        PerfAttributes.ERROR_TYPE,
        errorType);
  }

  /** The duration attributes of a success (or the fold set once the budget is full; counted). */
  Attributes success() {
    Attributes resolved = successResolved;
    if (resolved == null) {
      resolved = scope.durationSeries.admit(success, scope.durationFoldSuccess);
      successResolved = resolved;
    } else if (resolved != success) {
      scope.durationSeries.folded(success);
    }
    return resolved;
  }

  /** The duration attributes of a cancellation (or the fold set; counted). */
  Attributes cancelled() {
    Attributes resolved = cancelledResolved;
    if (resolved == null) {
      resolved = scope.durationSeries.admit(cancelled, scope.durationFoldCancelled);
      cancelledResolved = resolved;
    } else if (resolved != cancelled) {
      scope.durationSeries.folded(cancelled);
    }
    return resolved;
  }

  /** The duration attributes of a failure with a bounded error type (or the fold set; counted). */
  Attributes error(String errorType) {
    Attributes attributes = errors.get(errorType);
    if (attributes != null) {
      return attributes;
    }
    Attributes wanted = error(name, errorType);
    Attributes fold = scope.durationFoldError;
    Attributes resolved = scope.durationSeries.admit(wanted, fold);
    if (resolved != fold || wanted.equals(fold)) {
      errors.putIfAbsent(errorType, resolved);
    }
    return resolved;
  }
}
