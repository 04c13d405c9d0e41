package dev.perftrace.instrumentation.grpc;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A client and a server, each with its own SDK, over one transport; single-thread executors on
 * both sides so tests can check what a callback thread is left with.
 *
 * <p>Thread safety: for one test thread.
 */
final class Harness implements AutoCloseable {
  final Transport transport;
  final Telemetry client = new Telemetry("grpc-client");
  final Telemetry server = new Telemetry("grpc-server");
  final EchoService service = new EchoService(server.tracer);
  final ExecutorService serverExecutor = Executors.newSingleThreadExecutor();
  final ExecutorService clientExecutor = Executors.newSingleThreadExecutor();
  final Server grpcServer;
  final ManagedChannel channel;

  Harness(Transport transport) throws IOException {
    this.transport = transport;
    grpcServer =
        transport.startServer(service, PerfTraceGrpc.create(server.tracer), serverExecutor);
    channel = transport.channel(grpcServer, PerfTraceGrpc.create(client.tracer), clientExecutor);
  }

  String authority() {
    return transport.authority(grpcServer);
  }

  @Override
  public void close() {
    channel.shutdownNow();
    grpcServer.shutdownNow();
    try {
      channel.awaitTermination(10, TimeUnit.SECONDS);
      grpcServer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    serverExecutor.shutdownNow();
    clientExecutor.shutdownNow();
    client.close();
    server.close();
  }
}
