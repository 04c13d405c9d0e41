package dev.perftrace.exporter.otlp.internal;

import java.io.IOException;

/**
 * A batch whose OTLP-JSON line is longer than the file size cap: not written, dropped.
 *
 * <p>This class is internal and is not API. Thread safety: immutable.
 */
public final class FileCapExceededException extends IOException {
  private static final long serialVersionUID = 1L;

  FileCapExceededException(JsonLinesFile file) {
    super("batch larger than the size cap of " + file.path());
  }
}
