#!/usr/bin/env bash
# Install the SPARQL 1.1 servers used by the triplestore tests (tests/support/triplestores.py):
#   * Virtuoso open source 7 (Debian package `virtuoso-opensource`: virtuoso-t, isql-vt)
#   * Oxigraph server (PyPI package `oxigraph`: the `oxigraph` binary) into the active Python env
#
# Idempotent: each part is skipped when its binary is already on PATH.
# Debian 12 (bookworm); run as root (or with passwordless sudo). Usage:
#   . .venv/bin/activate && bash .ci/install-triplestores.sh
set -euo pipefail

log() { printf '[install-triplestores] %s\n' "$*" >&2; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
        log "not root and no sudo: cannot apt-get install"; fi
fi

# --- Virtuoso -----------------------------------------------------------------
if command -v virtuoso-t >/dev/null 2>&1; then
    log "virtuoso-t already installed: $(command -v virtuoso-t)"
else
    export DEBIAN_FRONTEND=noninteractive
    # Refresh the package lists only if they are missing or do not know the package.
    if ! apt-cache policy virtuoso-opensource 2>/dev/null | grep -q 'Candidate: [0-9]'; then
        log "apt-get update (package lists missing or stale)"
        $SUDO apt-get update -q
    fi
    # The package's init script would try to start a system-wide server; tests run their own
    # private instances, so ask invoke-rc.d not to start services during this install.
    policy_created=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
        $SUDO chmod 755 /usr/sbin/policy-rc.d
        policy_created=1
    fi
    cleanup_policy() { if [ -n "$policy_created" ]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi; }
    trap cleanup_policy EXIT
    if ! $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
            virtuoso-opensource; then
        # Stale lists give 404s on the .deb files: refresh once and retry.
        log "apt-get install failed; refreshing package lists and retrying"
        $SUDO apt-get update -q
        $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
            virtuoso-opensource
    fi
    # Do not leave a system-wide server running if the package started one anyway.
    if command -v service >/dev/null 2>&1; then
        $SUDO service virtuoso-opensource-7 stop >/dev/null 2>&1 || true
    fi
fi
command -v virtuoso-t >/dev/null
command -v isql-vt >/dev/null || log "warning: isql-vt not found (needed for SQL grants)"

# --- Oxigraph -----------------------------------------------------------------
if command -v oxigraph >/dev/null 2>&1; then
    log "oxigraph already installed: $(command -v oxigraph)"
else
    if [ -z "${VIRTUAL_ENV:-}" ]; then
        log "warning: no virtualenv active; installing oxigraph into $(command -v python3)"
    fi
    python3 -m pip install --quiet 'oxigraph>=0.5,<0.6'
    hash -r
fi
command -v oxigraph >/dev/null

log "virtuoso: $( { virtuoso-t -? 2>&1 || true; } | grep -m1 -i version || echo unknown)"
log "oxigraph: $(oxigraph --version 2>&1 || echo unknown)"
