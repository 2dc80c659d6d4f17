#!/bin/sh
# Installs Debian's Janus for the side-by-side benchmark (bench/janus.ts), if it is missing.
# Not part of CI: only `npm run bench:janus` needs it.
set -e
if command -v janus >/dev/null 2>&1; then exit 0; fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends janus
# The package's service must not run beside the benchmark's own Janus.
$SUDO systemctl disable --now janus >/dev/null 2>&1 || true
