#!/bin/bash
# Makes sure Debian's Prometheus (prometheus and promtool) is installed, for the tests of the alert rules
# (PrometheusRulesTest: promtool's unit tests; PrometheusAlertsIT: a real Prometheus scraping a real controller).
# As root on Debian it installs the package without its recommends (no node exporter); elsewhere it says what to do.
set -euo pipefail
if command -v promtool >/dev/null && command -v prometheus >/dev/null; then exit 0; fi
if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  echo "installing prometheus (apt-get, for the alert rules' tests)..." >&2
  { apt-get install -y -qq --no-install-recommends prometheus \
      || { apt-get update -qq && apt-get install -y -qq --no-install-recommends prometheus; }; } >/dev/null 2>&1
fi
command -v promtool >/dev/null && command -v prometheus >/dev/null \
  || { echo "prometheus.sh: the alert rules' tests need promtool and prometheus: apt-get install prometheus" >&2; exit 1; }
