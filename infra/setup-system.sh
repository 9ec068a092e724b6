#!/usr/bin/env bash
# System packages the test suite needs beyond Python: Chromium for the browser tests.
# Installs them with apt-get when running as root (CI, a fresh Debian machine); otherwise says how.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing system packages: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "missing system packages: ${need[*]} (install them with: sudo apt-get install ${need[*]})" >&2
  echo "the tests that need them will be skipped" >&2
fi
