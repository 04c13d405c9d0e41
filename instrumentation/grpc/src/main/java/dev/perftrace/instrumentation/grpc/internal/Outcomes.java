package dev.perftrace.instrumentation.grpc.internal;

import dev.perftrace.Operation;
import io.grpc.Status;
import java.util.concurrent.CancellationException;

/**
 * The mapping of a gRPC status onto a PerfTrace outcome.
 *
 * <p>Thread safety: stateless.
 */
final class Outcomes {
  private Outcomes() {}

  /**
   * {@code OK}: nothing (success); {@code CANCELLED}: cancelled; any other code: failed with the
   * code's name as {@code error.type}. Sets {@code rpc.grpc.status_code}.
   */
  static void apply(Operation operation, Status status) {
    Status.Code code = status.getCode();
    operation.setAttribute(RpcMethod.RPC_GRPC_STATUS_CODE, code.value());
    if (code == Status.Code.OK) {
      return;
    }
    if (code == Status.Code.CANCELLED) {
      operation.fail(new CancellationException("gRPC call cancelled"));
    } else {
      operation.failWithType(code.name());
    }
  }

  /**
   * Records the duration of a call PerfTrace stepped aside for (no span of its own) with the same
   * outcome and {@code error.type} as {@link #apply}: success for {@code OK}, cancelled for {@code
   * CANCELLED}, else an error typed with the status code name.
   */
  static void recordAside(
      dev.perftrace.PerfTracer tracer, String name, java.time.Duration duration, Status status) {
    Status.Code code = status.getCode();
    if (code == Status.Code.OK) {
      tracer.recordDuration(name, duration);
    } else if (code == Status.Code.CANCELLED) {
      tracer.recordDuration(name, duration, new CancellationException("gRPC call cancelled"));
    } else {
      tracer.recordDurationWithErrorType(name, duration, code.name());
    }
  }
}
