#!/usr/bin/env bash
# Installs everything the tests need: Python packages, Debian's Chromium for the browser tests,
# Debian's ffmpeg (ffprobe reads the player's video and GIF downloads back), Node's npm, and
# (pinned in package-lock.json) axe-core for the accessibility audit and eslint for the player's
# JavaScript (tests/js runs it and the player's `node --test` unit tests).
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v ffprobe >/dev/null || missing+=(ffmpeg)
command -v npm >/dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "The browser tests need: ${missing[*]}" >&2
    echo "  on Debian or Ubuntu: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

# Exactly the versions in package-lock.json, into node_modules/ (never committed).
npm ci --no-audit --no-fund --loglevel=error
