#!/usr/bin/env bash
# Installs everything the tests need: Python packages, Debian's Chromium for the browser tests,
# Node's npm, and (pinned in package-lock.json) axe-core for the accessibility audit and eslint
# for the player's JavaScript (tests/js runs it and the player's `node --test` unit tests).
# Where it can, Debian's nginx (for the test that runs the README's load balancer) and ffmpeg
# (ffprobe reads the player's video and GIF downloads back): without them those tests are
# skipped, and setup goes on.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v npm >/dev/null || missing+=(nodejs npm)
wanted=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || wanted+=(nginx)
command -v ffprobe >/dev/null || wanted+=(ffmpeg)
if [ $((${#missing[@]} + ${#wanted[@]})) -gt 0 ]; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    apt-get update -qq || [ ${#missing[@]} -eq 0 ]
    export DEBIAN_FRONTEND=noninteractive
    [ ${#missing[@]} -eq 0 ] || apt-get install -y -qq "${missing[@]}" >/dev/null
    if [ ${#wanted[@]} -gt 0 ] &&
      ! apt-get install -y -qq --no-install-recommends "${wanted[@]}" >/dev/null; then
      echo "Could not install ${wanted[*]}: the tests that need them will be skipped" >&2
    fi
  else
    if [ ${#wanted[@]} -gt 0 ]; then
      echo "Without ${wanted[*]}, the tests that need them are skipped" >&2
      echo "  on Debian or Ubuntu: sudo apt-get install ${wanted[*]}" >&2
    fi
    if [ ${#missing[@]} -gt 0 ]; then
      echo "The browser tests need: ${missing[*]}" >&2
      echo "  on Debian or Ubuntu: sudo apt-get install ${missing[*]}" >&2
      exit 1
    fi
  fi
fi

# Exactly the versions in package-lock.json, into node_modules/ (never committed).
npm ci --no-audit --no-fund --loglevel=error
