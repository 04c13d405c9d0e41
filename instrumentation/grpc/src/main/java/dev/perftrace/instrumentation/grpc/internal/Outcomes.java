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
   * For {@code PerfTracer.recordDuration} when PerfTrace has stepped aside: null for {@code OK}, a
   * {@link CancellationException} for {@code CANCELLED}, else the status as a {@code
   * StatusRuntimeException} (the metric's {@code error.type} is then that class name).
   */
  static Throwable asError(Status status) {
    Status.Code code = status.getCode();
    if (code == Status.Code.OK) {
      return null;
    }
    if (code == Status.Code.CANCELLED) {
      return new CancellationException("gRPC call cancelled");
    }
    return status.asRuntimeException();
  }
}
