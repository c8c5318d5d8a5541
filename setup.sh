#!/usr/bin/env bash
# Set up the project virtual environment (.venv) with the pinned stack of pyproject.toml.
#   ./setup.sh          runtime (the workflow)
#   ./setup.sh --test   runtime + test tools (+ Debian's chromium for the browser test, when root)
# Idempotent: when pyproject.toml has not changed since the last install, it returns in seconds.
set -euo pipefail
cd "$(dirname "$0")"

mode=run
[[ "${1:-}" == "--test" ]] && mode=test
python=${PYTHON:-python3.11}
command -v "$python" >/dev/null || python=python3

if [[ ! -x .venv/bin/python ]]; then
  echo "creating .venv with $($python --version)"
  "$python" -m venv .venv
fi

stamp=".venv/.audiodear-$mode"
want=$(cat pyproject.toml setup.sh | sha256sum | cut -d' ' -f1)
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "environment up to date ($mode)"
else
  extras=""
  [[ $mode == test ]] && extras="[test]"
  echo "installing audiodear$extras into .venv (a few minutes the first time)"
  .venv/bin/python -m pip install --disable-pip-version-check -q -e ".$extras"
  if [[ $mode == test ]]; then
    # the peer implementation the metric tests compare against; its metric files need only
    # numpy/torch/scipy, and its declared dependencies (librosa, scikit-image, ssr-eval) are not needed
    .venv/bin/python -m pip install --disable-pip-version-check -q --no-deps audioldm-eval==0.0.3
  fi
  echo "$want" > "$stamp"
  # a test install also satisfies a plain run
  [[ $mode == test ]] && echo "$want" > .venv/.audiodear-run
fi

if [[ $mode == test && ! -x /usr/bin/chromium ]]; then
  if [[ $(id -u) == 0 && -x .ci/install-browser.sh ]]; then
    .ci/install-browser.sh
  else
    echo "note: /usr/bin/chromium is missing; the browser test will be skipped (install Debian's chromium)"
  fi
fi
