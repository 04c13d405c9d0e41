package dev.perftrace.instrumentation.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perftrace.PerfTracer;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import org.junit.jupiter.api.Test;

/** Configuration errors of {@link PerfTraceGrpc}: they throw at build, naming the parameter. */
class PerfTraceGrpcTest {

  @Test
  void create_nullTracer_throwsNamingTracer() {
    assertThatThrownBy(() -> PerfTraceGrpc.create(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("tracer");
  }

  @Test
  void instrumentChannel_null_throwsNamingChannelBuilder() {
    PerfTraceGrpc grpc = PerfTraceGrpc.create(PerfTracer.noop());
    assertThatThrownBy(() -> grpc.instrumentChannel((InProcessChannelBuilder) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("channelBuilder");
  }

  @Test
  void instrumentServer_null_throwsNamingServerBuilder() {
    PerfTraceGrpc grpc = PerfTraceGrpc.create(PerfTracer.noop());
    assertThatThrownBy(() -> grpc.instrumentServer((InProcessServerBuilder) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("serverBuilder");
  }

  @Test
  void accessors_returnTheSameSharedInstances() {
    PerfTracer tracer = PerfTracer.noop();
    PerfTraceGrpc grpc = PerfTraceGrpc.create(tracer);
    assertThat(grpc.tracer()).isSameAs(tracer);
    assertThat(grpc.clientInterceptor()).isSameAs(grpc.clientInterceptor());
    assertThat(grpc.serverInterceptor()).isSameAs(grpc.serverInterceptor());
    assertThat(grpc.serverStreamTracerFactory()).isSameAs(grpc.serverStreamTracerFactory());
  }
}
