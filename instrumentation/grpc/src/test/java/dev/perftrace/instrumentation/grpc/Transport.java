package dev.perftrace.instrumentation.grpc;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.inprocess.InProcessSocketAddress;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real grpc-java transports the tests run over: in-process and Netty on loopback (port 0,
 * read back from the started server).
 *
 * <p>Thread safety: constants.
 */
enum Transport {
  IN_PROCESS {
    @Override
    Server startServer(EchoService service, PerfTraceGrpc grpc, ExecutorService executor)
        throws IOException {
      String name = "perftrace-grpc-test-" + NAMES.incrementAndGet();
      InProcessServerBuilder builder =
          InProcessServerBuilder.forName(name).addService(service.definition()).executor(executor);
      if (grpc != null) {
        grpc.instrumentServer(builder);
      }
      return builder.build().start();
    }

    @Override
    ManagedChannel channel(Server server, PerfTraceGrpc grpc, ExecutorService executor) {
      String name = ((InProcessSocketAddress) server.getListenSockets().get(0)).getName();
      InProcessChannelBuilder builder = InProcessChannelBuilder.forName(name).executor(executor);
      if (grpc != null) {
        grpc.instrumentChannel(builder);
      }
      return builder.build();
    }

    @Override
    String authority(Server server) {
      return "localhost"; // what grpc-java's in-process channel sends as :authority
    }
  },

  NETTY {
    @Override
    Server startServer(EchoService service, PerfTraceGrpc grpc, ExecutorService executor)
        throws IOException {
      NettyServerBuilder builder =
          NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
              .addService(service.definition())
              .executor(executor);
      if (grpc != null) {
        grpc.instrumentServer(builder);
      }
      return builder.build().start();
    }

    @Override
    ManagedChannel channel(Server server, PerfTraceGrpc grpc, ExecutorService executor) {
      NettyChannelBuilder builder =
          NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
              .usePlaintext()
              .executor(executor);
      if (grpc != null) {
        grpc.instrumentChannel(builder);
      }
      return builder.build();
    }

    @Override
    String authority(Server server) {
      return "127.0.0.1:" + server.getPort();
    }
  };

  private static final AtomicInteger NAMES = new AtomicInteger();

  /** Starts a server with the service, instrumented when {@code grpc} is not null. */
  abstract Server startServer(EchoService service, PerfTraceGrpc grpc, ExecutorService executor)
      throws IOException;

  /** Returns a channel to the server, instrumented when {@code grpc} is not null. */
  abstract ManagedChannel channel(Server server, PerfTraceGrpc grpc, ExecutorService executor);

  /** The authority the client calls and the server sees: the transfer source on both sides. */
  abstract String authority(Server server);
}
