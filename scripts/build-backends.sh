#!/usr/bin/env bash
# Builds the three back-end binaries the collector-config tests run, from Go modules:
#   otelcol-perftrace          the PerfTrace Collector distribution (collector-config/otelcol/builder-config.yaml,
#                              built with the OpenTelemetry Collector Builder v0.165.0)
#   otelcol-perftrace-gateway  the gateway/replay distribution (collector-config/otelcol-gateway/builder-config.yaml,
#                              Builder v0.145.0: loadbalancing exporter, otlpjsonfile receiver)
#   jaeger                     Jaeger v2 (collector-config/jaeger/go.mod, a wrapper module with the
#                              jaeger command as a Go tool dependency)
# into a cache directory, ${PERFTRACE_BACKENDS_DIR:-$HOME/.cache/perftrace/backends}:
#   <dir>/otelcol-<hash>/otelcol-perftrace, <dir>/otelcol-gateway-<hash>/otelcol-perftrace-gateway
#                                <hash> = sha256 of the manifest's non-comment lines + Go version
#   <dir>/jaeger-<hash>/jaeger   <hash> = sha256 of go.mod + go.sum + Go version
#   <dir>/bin/<name>             symlinks to the current builds (what the tests run)
# Usage: scripts/build-backends.sh [all|otelcol|gateway|jaeger]
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
gateway_builder_version=v0.145.0
mkdir -p "$cache/bin"
gover=$(go env GOVERSION)

hash_of() { { cat "$@"; echo "$gover"; } | sha256sum | cut -c1-16; }
# A manifest's hash ignores its comment lines: editing the explanation does not rebuild.
manifest_hash() { { grep -v '^[[:space:]]*#' "$1"; echo "$gover"; } | sha256sum | cut -c1-16; }

# build_collector <manifest> <binary name> <builder version> <cache prefix>: one Collector
# Builder distribution.
build_collector() {
  local manifest=$1 name=$2 version=$3 prefix=$4
  local out=$cache/$prefix-$(manifest_hash "$manifest")
  if [ ! -x "$out/$name" ]; then
    local start=$SECONDS
    local builder=$cache/tools/builder-$version/builder
    if [ ! -x "$builder" ]; then
      GOBIN=$cache/tools/builder-$version nice go install \
        "go.opentelemetry.io/collector/cmd/builder@$version"
    fi
    local work; work=$(mktemp -d)
    sed "s#^\(  output_path:\).*#\1 $work/src#" "$manifest" > "$work/manifest.yaml"
    nice "$builder" --config "$work/manifest.yaml"
    mkdir -p "$out.tmp"
    mv "$work/src/$name" "$out.tmp/$name"
    rm -rf "$out" && mv "$out.tmp" "$out"
    rm -rf "$work"
    echo "built $name in $((SECONDS - start)) s"
  else
    echo "$name up to date ($out)"
  fi
  ln -sfn "$out/$name" "$cache/bin/$name"
}

build_otelcol() {
  build_collector "$repo/collector-config/otelcol/builder-config.yaml" otelcol-perftrace "$builder_version" otelcol
}

# The gateway/replay distribution: contrib's loadbalancing exporter and otlpjsonfile receiver are
# served here only at v0.145.0 and older, so this second distribution keeps every module at that
# one release (see collector-config/README.md, "Two distributions").
build_gateway() {
  build_collector "$repo/collector-config/otelcol-gateway/builder-config.yaml" \
    otelcol-perftrace-gateway "$gateway_builder_version" otelcol-gateway
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
  gateway) build_gateway ;;
  jaeger) build_jaeger ;;
  all) build_otelcol; build_gateway; build_jaeger ;;
  *) echo "usage: $0 [all|otelcol|gateway|jaeger]" >&2; exit 2 ;;
esac
"$cache/bin/otelcol-perftrace" --version 2>/dev/null || true
"$cache/bin/otelcol-perftrace-gateway" --version 2>/dev/null || true
"$cache/bin/jaeger" version 2>/dev/null | head -1 || true
