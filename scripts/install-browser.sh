#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests (test/browser/*) when /usr/bin/chromium is
# absent. The browser comes from Debian's packages because nothing else can be downloaded on the
# project's machines (playwright's own browser download is not reachable). Idempotent: a present
# /usr/bin/chromium means nothing to do. Quiet unless it fails; fails with a clear message.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  exit 0
fi

fail() {
  echo "scripts/install-browser.sh: $*" >&2
  exit 1
}

command -v apt-get >/dev/null 2>&1 || fail "apt-get not found: install Debian's 'chromium' package by hand (the browser tests need $CHROMIUM)"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || fail "not root and no sudo: cannot install chromium (the browser tests need $CHROMIUM)"
  SUDO="sudo -n"
fi

LOG="$(mktemp -t install-browser.XXXXXX)"
trap 'rm -f "$LOG"' EXIT
export DEBIAN_FRONTEND=noninteractive

if ! $SUDO apt-get update -qq >"$LOG" 2>&1; then
  cat "$LOG" >&2
  fail "apt-get update failed (output above)"
fi
if ! $SUDO apt-get install -y -qq --no-install-recommends chromium >"$LOG" 2>&1; then
  cat "$LOG" >&2
  fail "apt-get install chromium failed (output above)"
fi
[ -x "$CHROMIUM" ] || fail "the chromium package installed but $CHROMIUM is missing"
