#!/usr/bin/env bash
# System packages the test suite needs beyond Python: Chromium for the browser tests, wrk for the
# load tests against `broadsheet serve`, and Jekyll
# 4.3.1 with the GitHub Pages plugins Debian packages (the reference every whole-site test
# compares Broadsheet with, file for file), and GNU strip (binutils, for x86_64 and aarch64) for
# infra/build.sh to drop extension modules' debug information (libsass's is 30 MB) from the
# dependency layers (without it the build still works, and ships them).
# Installs them with apt-get when running as root (CI, a fresh Debian machine); otherwise says how.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v wrk >/dev/null 2>&1 || need+=(wrk)  # load tests against `broadsheet serve`
command -v jekyll >/dev/null 2>&1 || need+=(jekyll)
command -v strip >/dev/null 2>&1 || need+=(binutils)
# The arm64 layer's extension modules are stripped by the aarch64 binutils (infra/build.sh).
command -v aarch64-linux-gnu-strip >/dev/null 2>&1 || need+=(binutils-aarch64-linux-gnu)
for plugin in feed sitemap seo-tag paginate redirect-from gist include-cache relative-links; do
  dpkg -s "ruby-jekyll-${plugin}" >/dev/null 2>&1 || need+=("ruby-jekyll-${plugin}")
done
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing system packages: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "missing system packages: ${need[*]} (install them with: sudo apt-get install ${need[*]})" >&2
  echo "the tests that need them will be skipped" >&2
fi
