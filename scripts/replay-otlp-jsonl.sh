#!/usr/bin/env bash
# Replays PerfTrace's offline OTLP-JSON lines file (perftrace-otlp.jsonl, written when no OTLP
# endpoint is configured) into a collector's OTLP/HTTP receiver:
#
#   scripts/replay-otlp-jsonl.sh perftrace-otlp.jsonl http://localhost:4318
#
# Each line of the file is one OTLP JSON export request; lines holding "resourceSpans" are POSTed
# to /v1/traces, lines holding "resourceMetrics" to /v1/metrics, with Content-Type
# application/json (the otlp receiver accepts OTLP JSON). This replaces the contrib otlpjsonfile
# receiver, which the PerfTrace distribution built here does not contain (collector-config/README.md).
# Exits non-zero on the first request the collector refuses. Needs curl.
set -euo pipefail
file=${1:?usage: $0 FILE OTLP_HTTP_BASE_URL}
base=${2:?usage: $0 FILE OTLP_HTTP_BASE_URL}
base=${base%/}
traces=0 metrics=0
while IFS= read -r line || [ -n "$line" ]; do
  case "$line" in
    *'"resourceSpans"'*) path=/v1/traces; traces=$((traces + 1)) ;;
    *'"resourceMetrics"'*) path=/v1/metrics; metrics=$((metrics + 1)) ;;
    *) continue ;;
  esac
  printf '%s' "$line" | curl -sS --fail-with-body -o /dev/null -X POST \
    -H 'Content-Type: application/json' --data-binary @- "$base$path"
done < "$file"
echo "replayed $traces trace requests and $metrics metric requests to $base"
