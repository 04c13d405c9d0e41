package dev.perftrace.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class ClosedPortTest {

  @Test
  void connect_whileOpen_isRefusedAtOnce() throws Exception {
    try (ClosedPort closed = ClosedPort.open();
        Socket socket = new Socket()) {
      long start = System.nanoTime();

      assertThatThrownBy(
              () -> socket.connect(new InetSocketAddress("127.0.0.1", closed.port()), 10_000))
          .isInstanceOf(ConnectException.class);
      assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
    }
  }

  @Test
  void bind_whileOpen_failsForAnyoneElse() throws Exception {
    try (ClosedPort closed = ClosedPort.open();
        ServerSocket other = new ServerSocket()) {
      other.setReuseAddress(true);

      assertThatThrownBy(
              () -> other.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), closed.port())))
          .isInstanceOf(BindException.class);
    }
  }

  @Test
  void httpUrl_namesThePort() {
    try (ClosedPort closed = ClosedPort.open()) {
      assertThat(closed.httpUrl()).isEqualTo("http://127.0.0.1:" + closed.port());
      assertThat(closed.port()).isBetween(1, 65535);
    }
  }
}
