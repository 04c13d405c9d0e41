#!/usr/bin/env bash
# Builds the two back-end binaries the collector-config tests run, from Go modules:
#   otelcol-perftrace  the PerfTrace Collector distribution (collector-config/otelcol/builder-config.yaml,
#                      built with the OpenTelemetry Collector Builder)
#   jaeger             Jaeger v2 (collector-config/jaeger/go.mod, a wrapper module with the
#                      jaeger command as a Go tool dependency)
# into a cache directory, ${PERFTRACE_BACKENDS_DIR:-$HOME/.cache/perftrace/backends}:
#   <dir>/otelcol-<hash>/otelcol-perftrace   <hash> = sha256 of the manifest + Go version
#   <dir>/jaeger-<hash>/jaeger               <hash> = sha256 of go.mod + go.sum + Go version
#   <dir>/bin/{otelcol-perftrace,jaeger}     symlinks to the current build (what the tests run)
# A binary whose hash directory exists is not rebuilt. Builds run niced.
set -euo pipefail
cd "$(dirname "$0")/.."
# Go's Debian-independent install lives in /usr/local/go; a non-login shell (CI) may not have it
# on the PATH.
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  export PATH="/usr/local/go/bin:$PATH"
fi
command -v go >/dev/null 2>&1 || { echo "build-backends: Go 1.26 is needed (go not found)" >&2; exit 1; }
repo=$(pwd)
cache=${PERFTRACE_BACKENDS_DIR:-$HOME/.cache/perftrace/backends}
builder_version=v0.165.0
mkdir -p "$cache/bin"
gover=$(go env GOVERSION)

hash_of() { { cat "$@"; echo "$gover"; } | sha256sum | cut -c1-16; }

build_otelcol() {
  local manifest=$repo/collector-config/otelcol/builder-config.yaml
  local out=$cache/otelcol-$(hash_of "$manifest")
  if [ ! -x "$out/otelcol-perftrace" ]; then
    local start=$SECONDS
    local builder=$cache/tools/builder-$builder_version/builder
    if [ ! -x "$builder" ]; then
      GOBIN=$cache/tools/builder-$builder_version nice go install \
        "go.opentelemetry.io/collector/cmd/builder@$builder_version"
    fi
    local work; work=$(mktemp -d)
    sed "s#^\(  output_path:\).*#\1 $work/src#" "$manifest" > "$work/manifest.yaml"
    nice "$builder" --config "$work/manifest.yaml"
    mkdir -p "$out.tmp"
    mv "$work/src/otelcol-perftrace" "$out.tmp/otelcol-perftrace"
    rm -rf "$out" && mv "$out.tmp" "$out"
    rm -rf "$work"
    echo "built otelcol-perftrace in $((SECONDS - start)) s"
  else
    echo "otelcol-perftrace up to date ($out)"
  fi
  ln -sfn "$out/otelcol-perftrace" "$cache/bin/otelcol-perftrace"
}

build_jaeger() {
  local mod=$repo/collector-config/jaeger
  local out=$cache/jaeger-$(hash_of "$mod/go.mod" "$mod/go.sum")
  if [ ! -x "$out/jaeger" ]; then
    local start=$SECONDS
    mkdir -p "$out.tmp"
    (cd "$mod" && nice go build -trimpath -o "$out.tmp/jaeger" github.com/jaegertracing/jaeger/cmd/jaeger)
    rm -rf "$out" && mv "$out.tmp" "$out"
    echo "built jaeger in $((SECONDS - start)) s"
  else
    echo "jaeger up to date ($out)"
  fi
  ln -sfn "$out/jaeger" "$cache/bin/jaeger"
}

case "${1:-all}" in
  otelcol) build_otelcol ;;
  jaeger) build_jaeger ;;
  all) build_otelcol; build_jaeger ;;
  *) echo "usage: $0 [all|otelcol|jaeger]" >&2; exit 2 ;;
esac
"$cache/bin/otelcol-perftrace" --version 2>/dev/null || true
"$cache/bin/jaeger" version 2>/dev/null | head -1 || true
