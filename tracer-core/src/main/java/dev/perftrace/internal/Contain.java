package dev.perftrace.internal;

/**
 * What PerfTrace contains when a caller's code (a getter, setter or carrier) throws inside a
 * recording call: everything but a {@link VirtualMachineError} (out of memory, stack overflow),
 * which no library can handle and which is rethrown. Internal: not API.
 *
 * <p>Thread safety: stateless.
 */
final class Contain {
  private Contain() {}

  /** Rethrows {@code t} when it is a {@link VirtualMachineError}; returns otherwise. */
  static void rethrowIfFatal(Throwable t) {
    if (t instanceof VirtualMachineError) {
      throw (VirtualMachineError) t;
    }
  }
}
