package dev.perftrace.exporter.otlp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.exporter.internal.FailedExportException;
import io.opentelemetry.sdk.common.export.GrpcResponse;
import io.opentelemetry.sdk.common.export.GrpcStatusCode;
import io.opentelemetry.sdk.common.export.HttpResponse;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * {@link ExportResponses} against the real exception OpenTelemetry's OTLP exporters fail with
 * (built with its own factories, as the exporters do), and the classification {@link GuardCore}
 * derives from it.
 */
class ExportResponsesTest {

  private static GrpcResponse grpc(GrpcStatusCode code, String description) {
    return new GrpcResponse() {
      @Override
      public GrpcStatusCode getStatusCode() {
        return code;
      }

      @Override
      public String getStatusDescription() {
        return description;
      }

      @Override
      public byte[] getResponseMessage() {
        return new byte[0];
      }
    };
  }

  private static HttpResponse http(int code) {
    return new HttpResponse() {
      @Override
      public int getStatusCode() {
        return code;
      }

      @Override
      public String getStatusMessage() {
        return "status " + code;
      }

      @Override
      public byte[] getResponseBody() {
        return new byte[0];
      }
    };
  }

  @Test
  void readsTheResponseOfAFailedGrpcOrHttpExport() {
    GrpcResponse grpc = grpc(GrpcStatusCode.UNAVAILABLE, "down");
    HttpResponse http = http(503);

    assertThat(ExportResponses.grpc(FailedExportException.grpcFailedWithResponse(grpc)))
        .isSameAs(grpc);
    assertThat(ExportResponses.http(FailedExportException.grpcFailedWithResponse(grpc))).isNull();
    assertThat(ExportResponses.http(FailedExportException.httpFailedWithResponse(http)))
        .isSameAs(http);
    assertThat(ExportResponses.grpc(FailedExportException.httpFailedWithResponse(http))).isNull();
  }

  @Test
  void anythingElseHasNoResponse() {
    assertThat(ExportResponses.grpc(null)).isNull();
    assertThat(ExportResponses.http(new IOException("reset"))).isNull();
    assertThat(ExportResponses.grpc(FailedExportException.grpcFailedExceptionally(new IOException())))
        .isNull();
    assertThat(ExportResponses.http(FailedExportException.httpFailedExceptionally(new IOException())))
        .isNull();
  }

  @Test
  void guardClassifiesByTheStatusItReads() {
    assertThat(GuardCore.isTimeout(
            new CompletionException(
                FailedExportException.grpcFailedWithResponse(
                    grpc(GrpcStatusCode.DEADLINE_EXCEEDED, null)))))
        .isTrue();
    assertThat(GuardCore.isTimeout(
            FailedExportException.grpcFailedWithResponse(grpc(GrpcStatusCode.UNAVAILABLE, null))))
        .isFalse();
    assertThat(GuardCore.isTooLarge(
            FailedExportException.grpcFailedWithResponse(
                grpc(GrpcStatusCode.RESOURCE_EXHAUSTED, null))))
        .isTrue();
    assertThat(GuardCore.isTooLarge(FailedExportException.httpFailedWithResponse(http(413))))
        .isTrue();
    assertThat(GuardCore.isTooLarge(FailedExportException.httpFailedWithResponse(http(400))))
        .isFalse();
    assertThat(GuardCore.isBatchRejected(FailedExportException.httpFailedWithResponse(http(400))))
        .isTrue();
    assertThat(GuardCore.isBatchRejected(
            FailedExportException.grpcFailedWithResponse(
                grpc(GrpcStatusCode.INVALID_ARGUMENT, null))))
        .isTrue();
    assertThat(GuardCore.isBatchRejected(FailedExportException.httpFailedWithResponse(http(503))))
        .isFalse();
  }
}
