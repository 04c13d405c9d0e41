#!/usr/bin/env bash
# Checks a JMH result against the committed baseline and the in-run targets; exits non-zero on a
# regression or a missed target (see benchmarks/README.md). Not run in CI: machines are noisy.
#
#   benchmarks/compare.sh [--threshold 1.25] [--alloc-slack 1.0] [--targets enforce|warn|off]
#                         [--baseline FILE] RESULT.json
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
jar=benchmarks/target/benchmarks.jar
if [ ! -f "$jar" ]; then
  # shellcheck disable=SC2086
  mvn -B -q ${MVN_ARGS--o} -pl benchmarks -am package -DskipTests
fi
exec java -cp "$jar" dev.perftrace.benchmarks.Compare "$@"
