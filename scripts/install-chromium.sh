#!/usr/bin/env bash
# The browser the web explorer's end-to-end test drives: Debian's `chromium` package, driven by
# playwright-core (which downloads no browser of its own). Installs it when missing; apt-get
# needs root (or sudo). CHROMIUM_PATH points the test at another build.
set -euo pipefail
if [ -n "${CHROMIUM_PATH:-}" ] && [ -x "${CHROMIUM_PATH}" ]; then exit 0; fi
if command -v chromium >/dev/null 2>&1; then exit 0; fi
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
echo "[install-chromium] installing Debian's chromium package" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium
