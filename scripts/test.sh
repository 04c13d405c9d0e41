#!/usr/bin/env bash
# The README's test command: sets up what the tests need on a fresh Debian machine (Debian
# packages as root, the Go-built back ends), then runs the Maven suite. Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
need_install=()
command -v prometheus >/dev/null 2>&1 || need_install+=(prometheus)
command -v promtool >/dev/null 2>&1 || need_install+=(prometheus)
# The strict OpenMetrics parser of the exposition tests (Debian's python3 module).
/usr/bin/python3 -c 'import prometheus_client' >/dev/null 2>&1 || need_install+=(python3-prometheus-client)
# The replay script's HTTP client.
command -v curl >/dev/null 2>&1 || need_install+=(curl)
if [ ${#need_install[@]} -gt 0 ]; then
  # Install without starting the packaged service: the tests start their own servers on free
  # loopback ports. A policy-rc.d that denies service starts does that (removed again only if
  # this script created it).
  created_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    created_policy=1
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_install[@]}"
  if [ "$created_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
fi
prometheus --version 2>&1 | head -1
java -version 2>&1 | head -1

# Back-end binaries (the PerfTrace Collector distributions, agent and gateway/replay, and Jaeger v2)
# built from the Go module proxy, cached in ${PERFTRACE_BACKENDS_DIR:-$HOME/.cache/perftrace/backends}
# between runs (measured: about 13 min on a fresh idle machine, 0.2 s cached).
scripts/build-backends.sh

mvn -B verify "$@"
