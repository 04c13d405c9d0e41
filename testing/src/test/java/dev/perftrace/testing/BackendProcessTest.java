package dev.perftrace.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The retry on {@code address already in use}, with a shell script standing in for the back-end
 * (it fails to "bind" on the attempts it is told to) and a health endpoint this test serves.
 */
class BackendProcessTest {

  @TempDir Path dir;
  private HttpServer health;
  private final List<String> healthQueries = new CopyOnWriteArrayList<>();
  private Path script;

  @BeforeEach
  void setUp() throws IOException {
    health = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    health.createContext(
        "/",
        exchange -> {
          String query = exchange.getRequestURI().getQuery();
          healthQueries.add(query);
          // only a started (not failing) attempt is healthy
          exchange.sendResponseHeaders("attempt=ok".equals(query) ? 200 : 503, -1);
          exchange.close();
        });
    health.start();
    script = dir.resolve("backend.sh");
    Files.writeString(
        script,
        "#!/bin/sh\n"
            + "if [ \"$FAKE_MODE\" = bind ]; then\n"
            + "  echo 'Error: listen tcp 127.0.0.1:'\"$FAKE_PORT\"': bind: address already in use'\n"
            + "  exit 1\n"
            + "fi\n"
            + "if [ \"$FAKE_MODE\" = other ]; then echo 'Error: invalid configuration'; exit 1; fi\n"
            + "exec sleep 60\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
  }

  @AfterEach
  void tearDown() {
    health.stop(0);
  }

  private BackendProcess.Launch launch(String mode, int port) {
    String query = "ok".equals(mode) ? "attempt=ok" : "attempt=" + mode;
    return new BackendProcess.Launch(
        Map.of("FAKE_MODE", mode, "FAKE_PORT", Integer.toString(port)),
        URI.create("http://127.0.0.1:" + health.getAddress().getPort() + "/?" + query));
  }

  @Test
  void start_addressInUseTwice_startsOnTheThirdPorts() {
    AtomicInteger launches = new AtomicInteger();

    try (BackendProcess backend =
        BackendProcess.start(
            "fake",
            script,
            dir.resolve("config.yaml"),
            () -> {
              int n = launches.incrementAndGet();
              return launch(n < 3 ? "bind" : "ok", 40_000 + n);
            })) {
      assertThat(launches).hasValue(3);
      assertThat(backend.isAlive()).isTrue();
      assertThat(backend.environment()).containsEntry("FAKE_PORT", "40003");
    }
  }

  @Test
  void start_addressInUseEveryTime_failsAfterThreeAttempts() {
    AtomicInteger launches = new AtomicInteger();

    assertThatThrownBy(
            () ->
                BackendProcess.start(
                    "fake",
                    script,
                    dir.resolve("config.yaml"),
                    () -> launch("bind", 40_000 + launches.incrementAndGet())))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("fake exited:\n")
        .hasMessageContaining("127.0.0.1:40003: bind: address already in use");
    assertThat(launches).hasValue(BackendProcess.BIND_ATTEMPTS);
  }

  @Test
  void start_otherFailure_isNotRetried() {
    AtomicInteger launches = new AtomicInteger();

    assertThatThrownBy(
            () ->
                BackendProcess.start(
                    "fake",
                    script,
                    dir.resolve("config.yaml"),
                    () -> launch("other", 40_000 + launches.incrementAndGet())))
        .isInstanceOf(AssertionError.class)
        .hasMessage("fake exited:\nError: invalid configuration\n");
    assertThat(launches).hasValue(1);
  }

  @Test
  void isAddressInUse_onlyForAnExitReportingIt() {
    assertThat(BackendProcess.isAddressInUse(new AssertionError("x exited:\nbind: address already in use")))
        .isTrue();
    assertThat(BackendProcess.isAddressInUse(new AssertionError("Timed out ... address already in use")))
        .isFalse();
    assertThat(BackendProcess.isAddressInUse(new AssertionError("x exited:\nbad config"))).isFalse();
    assertThat(BackendProcess.isAddressInUse(new AssertionError((Object) null))).isFalse();
  }
}
