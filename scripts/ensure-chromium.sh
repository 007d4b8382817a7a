#!/usr/bin/env bash
# Playwright drives Debian's Chromium; never a downloaded browser build.
set -euo pipefail
if [[ -x /usr/bin/chromium ]]; then exit 0; fi
printf '\033[1m==> installing Debian chromium (apt-get)\033[0m\n'
export DEBIAN_FRONTEND=noninteractive
SUDO=""
[[ "$(id -u)" == 0 ]] || SUDO="sudo"
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium >/dev/null
/usr/bin/chromium --version
