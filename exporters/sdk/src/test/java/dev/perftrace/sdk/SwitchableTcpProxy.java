package dev.perftrace.sdk;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback TCP port owned by the test for its whole run, in front of a collector that can be
 * stopped and a new one started: while down, every connection is accepted and closed at once (the
 * client sees the collector gone, as with a refused connection); while up, connections are
 * forwarded to the current receiver's port. The port is bound once and never re-bound, so no
 * other process can take it between an outage and a recovery.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class SwitchableTcpProxy implements AutoCloseable {

  private final ServerSocket server;
  private final Thread acceptor;
  private final List<Socket> open = new ArrayList<>(); // guarded by itself
  private volatile int target = -1; // -1: down

  SwitchableTcpProxy() throws IOException {
    server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    acceptor = new Thread(this::acceptLoop, "test-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  String endpoint() {
    return "http://127.0.0.1:" + port();
  }

  /** Forwards new connections to {@code port} on loopback. */
  void up(int port) {
    target = port;
  }

  /** The collector is gone: live connections are closed, new ones closed at once. */
  void down() {
    target = -1;
    closeAll();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      int port = target;
      if (port < 0) {
        closeQuietly(client);
        continue;
      }
      try {
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), port);
        track(client);
        track(upstream);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  private void track(Socket socket) {
    synchronized (open) {
      open.add(socket);
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[64 * 1024];
              try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // one side went away
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "test-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private void closeAll() {
    List<Socket> sockets;
    synchronized (open) {
      sockets = new ArrayList<>(open);
      open.clear();
    }
    sockets.forEach(SwitchableTcpProxy::closeQuietly);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    closeAll();
  }
}
