package dev.perftrace.report;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

class ReportProtobufScrapeTest {

  @Test
  void fromScrape_unparsableProtobuf_throwsNamingTheEndpoint() {
    try (ExpositionServer server =
        ExpositionServer.serving(
            "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; "
                + "encoding=delimited",
            200,
            n -> "\u0005garbage")) {
      assertThatThrownBy(() -> Report.fromScrape(server.metrics()))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("unparsable exposition from " + server.metrics())
          .hasMessageContaining("protobuf exposition: not a protobuf exposition (message 1)");
    }
  }
}
