#!/usr/bin/env bash
# Debian packages the tests need, installed only where missing (Debian 12, as root or via sudo):
#   java            default-jre-headless   HermiT (via owlready2) checks the ontology's consistency
#   virtuoso-t      virtuoso-opensource    a real SPARQL store the publishing tests write to
#   dot             graphviz               `netkg diagram` draws organisation charts with it
#   chromium        chromium               the browser tests (driven by Playwright, no download)
# Idempotent: a package is skipped when its command is already on PATH.
set -euo pipefail

log() { printf '[install-system-deps] %s\n' "$*" >&2; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
        log "not root and no sudo: cannot install Debian packages"; exit 1; fi
fi

# command -> package
declare -A WANT=(
    [java]=default-jre-headless
    [virtuoso-t]=virtuoso-opensource
    [dot]=graphviz
    [chromium]=chromium
)
missing=()
for cmd in "${!WANT[@]}"; do
    command -v "$cmd" >/dev/null 2>&1 || missing+=("${WANT[$cmd]}")
done
if [ ${#missing[@]} -eq 0 ]; then
    log "all present"
    exit 0
fi
log "installing: ${missing[*]}"

export DEBIAN_FRONTEND=noninteractive
if ! apt-cache policy "${missing[@]}" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    $SUDO apt-get update -q
fi
# Package scripts must not start system-wide services (Virtuoso): tests run private instances.
policy_created=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod 755 /usr/sbin/policy-rc.d
    policy_created=1
fi
cleanup() { if [ -n "$policy_created" ]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi; }
trap cleanup EXIT
install() {
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}
if ! install "${missing[@]}"; then
    log "install failed; refreshing package lists and retrying once"
    $SUDO apt-get update -q
    install "${missing[@]}"
fi
if command -v service >/dev/null 2>&1; then
    $SUDO service virtuoso-opensource-7 stop >/dev/null 2>&1 || true
fi
for cmd in "${!WANT[@]}"; do
    command -v "$cmd" >/dev/null 2>&1 || { log "still missing: $cmd"; exit 1; }
done
log "done"
