package dev.perftrace.internal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The invocation handler behind {@code PerfTracer.instrument}: each interface method call is an
 * operation named {@code SimpleInterfaceName.method}. Internal: not API.
 *
 * <p>Thread safety: safe for concurrent use; the per-method cache is bounded by the interface's
 * methods.
 */
final class InstrumentHandler implements InvocationHandler {
  private final DefaultPerfTracer owner;
  private final Class<?> iface;
  private final Object target;
  private final ConcurrentHashMap<Method, MethodInfo> methods = new ConcurrentHashMap<>();

  InstrumentHandler(DefaultPerfTracer owner, Class<?> iface, Object target) {
    this.owner = owner;
    this.iface = iface;
    this.target = target;
  }

  /** What the handler needs per method, computed once. */
  static final class MethodInfo {
    final String operationName;
    final String functionName;
    final boolean async;

    /**
     * The operation's interned descriptor once the name is interned, so later calls skip the name
     * lookup; stays null for a name that was sanitized or overflowed (each call then resolves it
     * and counts the rejection, as for {@code start}). A plain field: a racy read sees null and
     * resolves by name; the descriptor is immutable, so safely published.
     */
    OperationDescriptor descriptor;

    MethodInfo(String operationName, String functionName, boolean async) {
      this.operationName = operationName;
      this.functionName = functionName;
      this.async = async;
    }
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (method.getDeclaringClass() == Object.class) {
      switch (method.getName()) {
        case "equals":
          return proxy == args[0] || target.equals(args[0]);
        case "hashCode":
          return target.hashCode();
        default:
          return invokeTarget(method, args);
      }
    }
    MethodInfo info = methods.get(method);
    if (info == null) {
      info = methods.computeIfAbsent(method, this::describe);
    }
    OperationDescriptor descriptor = info.descriptor;
    if (descriptor == null) {
      descriptor = owner.internedOperation(info.operationName);
      if (descriptor != null) {
        info.descriptor = descriptor;
      }
    }
    OperationImpl operation =
        descriptor != null
            ? owner.startOperation(descriptor, info.functionName)
            : owner.startOperation(info.operationName, info.functionName);
    if (operation == null) {
      return invokeTarget(method, args);
    }
    if (info.async) {
      return owner.finishAsync(operation, () -> invokeTarget(method, args), method.getReturnType());
    }
    try {
      return invokeTarget(method, args);
    } catch (Throwable t) {
      operation.fail(t);
      throw t;
    } finally {
      operation.close();
    }
  }

  private MethodInfo describe(Method method) {
    try {
      method.setAccessible(true); // non-public interfaces
    } catch (RuntimeException e) {
      // stays inaccessible; invoke reports it to the caller as the target would
    }
    return new MethodInfo(
        iface.getSimpleName() + "." + method.getName(),
        iface.getName() + "." + method.getName(),
        CompletionStage.class.isAssignableFrom(method.getReturnType()));
  }

  private Object invokeTarget(Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @Override
  public String toString() {
    return "PerfTrace proxy for " + target;
  }
}
