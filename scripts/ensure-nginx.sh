#!/usr/bin/env bash
# `make cluster` and its test run our own nginx process; install Debian's package if absent,
# without starting the system service (no policy lets it start on install: our nginx has its
# own config, pid file and logs under var/cluster/, and must not find :80 taken by another).
set -euo pipefail
if command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]]; then exit 0; fi
printf '\033[1m==> installing Debian nginx (apt-get)\033[0m\n'
export DEBIAN_FRONTEND=noninteractive
SUDO=""
[[ "$(id -u)" == 0 ]] || SUDO="sudo"
# invoke-rc.d asks policy-rc.d before starting a service; 101 = "not allowed". Only add one
# for the duration of the install, and only if the machine has none of its own.
POLICY=/usr/sbin/policy-rc.d
ADDED_POLICY=""
if [[ ! -e $POLICY ]]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$POLICY" >/dev/null
  $SUDO chmod 755 "$POLICY"
  ADDED_POLICY=1
fi
trap '[[ -n $ADDED_POLICY ]] && $SUDO rm -f "$POLICY"' EXIT
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq nginx >/dev/null
/usr/sbin/nginx -v
