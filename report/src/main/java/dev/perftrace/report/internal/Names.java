package dev.perftrace.report.internal;

/**
 * The Prometheus series and label names the report reads (see {@code docs/telemetry.md}).
 *
 * <p>Thread safety: constants only.
 */
public final class Names {

  public static final String DURATION = "perftrace_operation_duration_seconds";
  public static final String DURATION_BUCKET = DURATION + "_bucket";
  public static final String DURATION_SUM = DURATION + "_sum";
  public static final String DURATION_COUNT = DURATION + "_count";
  public static final String OPERATION = "perftrace_operation_name";
  public static final String OUTCOME = "perftrace_operation_outcome";
  public static final String OUTCOME_ERROR = "error";

  public static final String BYTES = "perftrace_transfer_io_bytes_total";
  public static final String DIRECTION = "network_io_direction";
  public static final String SOURCE = "perftrace_transfer_source";

  public static final String CACHE_REQUESTS = "perftrace_cache_requests_total";
  public static final String CACHE_NAME = "perftrace_cache_name";
  public static final String CACHE_TIER = "perftrace_cache_tier";
  public static final String CACHE_RESULT = "perftrace_cache_result";
  public static final String CACHE_LOOKUPS = "perftrace_cache_lookups_total";
  public static final String CACHE_SERVED_BY = "perftrace_cache_served_by";

  public static final String CPU = "jvm_cpu_recent_utilization_ratio";
  public static final String MEMORY_USED = "jvm_memory_used_bytes";
  public static final String MEMORY_LIMIT = "jvm_memory_limit_bytes";
  public static final String MEMORY_TYPE = "jvm_memory_type";

  public static final String LE = "le";

  private Names() {}
}
