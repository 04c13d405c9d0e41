package dev.perftrace.instrumentation.jdkhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perftrace.instrumentation.jdkhttp.internal.HttpNames;
import java.net.URI;
import org.junit.jupiter.api.Test;

class HttpNamesTest {

  @Test
  void redacted_replacesUserInformationOnly() {
    assertThat(HttpNames.redacted(URI.create("http://alice:secret@example.test:8080/a/b?q=1#f")))
        .isEqualTo("http://REDACTED:REDACTED@example.test:8080/a/b?q=1#f");
    assertThat(HttpNames.redacted(URI.create("http://example.test/a?q=1")))
        .isEqualTo("http://example.test/a?q=1");
  }

  @Test
  void method_knownKeptOthersFolded() {
    assertThat(HttpNames.method("PATCH")).isEqualTo("PATCH");
    assertThat(HttpNames.method("PURGE")).isEqualTo("_OTHER");
    assertThat(HttpNames.method("get")).isEqualTo("_OTHER");
  }

  @Test
  void port_defaultsPerScheme() {
    assertThat(HttpNames.port(URI.create("http://h/"))).isEqualTo(80);
    assertThat(HttpNames.port(URI.create("https://h/"))).isEqualTo(443);
    assertThat(HttpNames.port(URI.create("http://h:81/"))).isEqualTo(81);
  }

  @Test
  void isFailure_5xxAlways_4xxWhenConfigured() {
    assertThat(HttpNames.isFailure(500, false)).isTrue();
    assertThat(HttpNames.isFailure(404, false)).isFalse();
    assertThat(HttpNames.isFailure(404, true)).isTrue();
    assertThat(HttpNames.isFailure(302, true)).isFalse();
  }
}
