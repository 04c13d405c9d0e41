package io.opentelemetry.perftracetest;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;

/**
 * Stands for the OpenTelemetry agent's filter placed after PerfTrace's in a context's list (only
 * its package matters to the detection).
 */
public final class AfterFilter extends Filter {
  @Override
  public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
    chain.doFilter(exchange);
  }

  @Override
  public String description() {
    return "an io.opentelemetry filter after PerfTrace's";
  }
}
