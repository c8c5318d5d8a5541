#!/usr/bin/env bash
# Installs what the browser tests (pytest -m browser) need on a fresh Debian machine: the distribution's
# Chromium at /usr/bin/chromium, driven by the Python package playwright from the project's test
# dependencies. It never downloads a browser through playwright. Quick and silent when already there.
#
#   .ci/install-browser.sh            # then: pytest -m browser
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    echo "chromium already installed: $("$CHROMIUM" --version 2>/dev/null | head -n 1)"
else
    if [ "$(id -u)" -ne 0 ]; then
        SUDO=sudo
    else
        SUDO=
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "error: apt-get not found; install Chromium so that $CHROMIUM exists" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-liberation
    "$CHROMIUM" --version
fi

# The driver comes from the project's Python environment (pip install -e '.[test]'), never from here.
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c "import playwright" >/dev/null 2>&1; then
    echo "note: $PYTHON cannot import playwright; install the test extras: pip install -e '.[test]'" >&2
fi
