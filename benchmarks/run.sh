#!/usr/bin/env bash
# Runs the PerfTrace JMH suite and writes benchmarks/results/<suite>-<UTC date>.json.
#
#   benchmarks/run.sh quick [extra JMH args]   # ~6 minutes: 2x1 s warm-up, 3x1 s measurement, 1 fork
#   benchmarks/run.sh full  [extra JMH args]   # ~25 minutes: 5x2 s warm-up, 5x2 s measurement, 2 forks
#
# Every benchmark runs with one thread; the in-process hot-path benchmarks (operation, records,
# correlation, no-op) run again with two threads. The GC profiler gives B/op, CpuTimeProfiler
# process CPU ns/op (robust on a shared machine; the gate uses it for time). Extra arguments go
# to both JMH runs, e.g. a benchmark regex ('OperationBenchmark') or '-prof stack'.
# Environment: MVN_ARGS (default "-o"; set to "" to let Maven download), SKIP_BUILD=1 to reuse
# benchmarks/target/benchmarks.jar, JMH_JVM_ARGS (default "-Xms1g -Xmx1g"), FORKS (full suite's
# forks, default 2; JMH refuses a second -f among the extra arguments).
# Compare a result with the committed baseline: benchmarks/compare.sh RESULT.json
set -euo pipefail

usage() {
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

[ $# -ge 1 ] || usage
suite=$1
shift
case "$suite" in
  quick) timing=(-wi 2 -w 1s -i 3 -r 1s -f 1) ;;
  full) timing=(-wi 5 -w 2s -i 5 -r 2s -f "${FORKS:-2}") ;;
  *) usage ;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
jar=benchmarks/target/benchmarks.jar
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  # shellcheck disable=SC2086 # MVN_ARGS is a list of options
  mvn -B -q ${MVN_ARGS--o} -pl benchmarks -am package -DskipTests
fi
[ -f "$jar" ] || { echo "missing $jar (build failed?)" >&2; exit 1; }

mkdir -p benchmarks/results
stamp=$(date -u +%Y-%m-%dT%H%MZ)
out=benchmarks/results/$suite-$stamp.json
one=benchmarks/results/$suite-$stamp-t1.tmp.json
two=benchmarks/results/$suite-$stamp-t2.tmp.json
jvm_args=${JMH_JVM_ARGS:--Xms1g -Xmx1g}
common=("${timing[@]}" -prof gc -prof dev.perftrace.benchmarks.CpuTimeProfiler -jvmArgsAppend "$jvm_args" -rf json)

{
  echo "suite: $suite ($stamp)"
  echo "jdk: $(java -version 2>&1 | head -1)"
  echo "cpu: $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores"
  echo "load: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
} >&2

java -jar "$jar" "${common[@]}" -t 1 -rff "$one" "$@"
# The export benchmarks measure background threads; they run with one producer thread only.
if ! java -jar "$jar" "${common[@]}" -t 2 -e 'ScrapeBenchmark|OtlpExportBenchmark' -rff "$two" "$@"; then
  echo "the two-thread run failed or selected no benchmark; keeping the one-thread results" >&2
fi

inputs=("$one")
[ -s "$two" ] && inputs+=("$two")
java -cp "$jar" dev.perftrace.benchmarks.MergeResults "$out" "${inputs[@]}"
rm -f "$one" "$two"
echo "wrote $out" >&2
echo "compare with the baseline: benchmarks/compare.sh $out" >&2
