package dev.perftrace;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SLF4J is optional: without it on the class path, correlation scopes still work. */
class WithoutSlf4jTest {

  @Test
  void correlate_worksWhenSlf4jIsAbsent() throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      // tracer-core's main classes and its runtime dependencies, nothing else
      String name = new File(entry).getName();
      boolean mainClasses = entry.endsWith("classes") && !entry.endsWith("test-classes");
      if (mainClasses
          || name.startsWith("opentelemetry-api-")
          || name.startsWith("opentelemetry-context-")
          || name.startsWith("opentelemetry-common-")) {
        urls.add(new File(entry).toURI().toURL());
      }
    }
    try (URLClassLoader loader =
        new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
      assertThat(classExists("org.slf4j.MDC", loader)).isFalse();
      Class<?> otelClass = Class.forName("io.opentelemetry.api.OpenTelemetry", true, loader);
      Object otel = otelClass.getMethod("noop").invoke(null);
      Class<?> tracerClass = Class.forName("dev.perftrace.PerfTracer", true, loader);
      Object tracer =
          tracerClass.getMethod("create", otelClass, String.class).invoke(null, otel, "scope");

      Object scope = tracerClass.getMethod("correlate", String.class).invoke(tracer, "req-1");
      Method correlationId = scope.getClass().getMethod("correlationId");
      correlationId.setAccessible(true);
      String id = (String) correlationId.invoke(scope);
      String current = (String) tracerClass.getMethod("currentCorrelationId").invoke(tracer);
      Runnable task = () -> {};
      Runnable wrapped = (Runnable) tracerClass.getMethod("wrap", Runnable.class).invoke(tracer, task);
      wrapped.run();
      Method close = scope.getClass().getMethod("close");
      close.setAccessible(true);
      close.invoke(scope);

      assertThat(id).isEqualTo("req-1");
      assertThat(current).isEqualTo("req-1");
    }
  }

  private static boolean classExists(String name, ClassLoader loader) {
    try {
      Class.forName(name, false, loader);
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
