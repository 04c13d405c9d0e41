package dev.perftrace.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A loopback TCP port that this test owns and on which nothing listens: a client socket bound to
 * {@code 127.0.0.1:0} and never connected. While it is open no other process can bind the port
 * (the socket does not set {@code SO_REUSEADDR}), and a connection to it is refused at once
 * ({@code ConnectException}), never timed out. Unlike a port found by binding a server socket and
 * closing it, nothing can start listening on it between the test's choice and its use.
 *
 * <p>Thread safety: {@link #port()} is safe for concurrent use; {@link #close()} once.
 */
public final class ClosedPort implements AutoCloseable {

  private final Socket socket;

  private ClosedPort(Socket socket) {
    this.socket = socket;
  }

  /** Binds a fresh loopback port and keeps it, not listening. */
  public static ClosedPort open() {
    Socket socket = new Socket();
    try {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return new ClosedPort(socket);
    } catch (IOException e) {
      try {
        socket.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new UncheckedIOException(e);
    }
  }

  /** Returns the port number. */
  public int port() {
    return socket.getLocalPort();
  }

  /** Returns {@code http://127.0.0.1:<port>}. */
  public String httpUrl() {
    return "http://127.0.0.1:" + port();
  }

  /** Releases the port. */
  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing to release then
    }
  }
}
