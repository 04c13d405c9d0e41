package com.example.consumer;

import dev.perftrace.Direction;
import dev.perftrace.Operation;
import dev.perftrace.PerfTracer;
import dev.perftrace.sdk.PerfTraceSdk;
import java.util.Map;

/** A small application: records operations with bytes and exports them over OTLP. */
public final class ConsumerApp {

  private ConsumerApp() {}

  /** Records {@code count} operations named {@code consumer.get} and closes (flushes) the SDK. */
  public static void run(Map<String, String> otelProperties, int count) {
    try (PerfTraceSdk sdk =
        PerfTraceSdk.builder()
            .setServiceName("consumer-app")
            .setPrometheusEnabled(false)
            .setShutdownHook(false)
            .setConfigProperties(otelProperties)
            .build()) {
      PerfTracer tracer = sdk.tracer("com.example.consumer");
      for (int i = 0; i < count; i++) {
        try (Operation op = tracer.start("consumer.get")) {
          op.setAttribute("consumer.index", i);
          tracer.recordBytes(Direction.OUT, "peer-a", 100 + i);
        }
      }
    }
  }
}
