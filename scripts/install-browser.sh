#!/usr/bin/env bash
# The browser test drives Debian's Chromium; install it from Debian's packages when we may.
# Never downloads a browser through a test tool. Without it the browser test skips with a reason.
set -u
command -v chromium >/dev/null 2>&1 && exit 0
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser test (apt-get)..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo "Could not install chromium; the browser test will be skipped." >&2
else
  echo "chromium not found and not root: the browser test will be skipped (apt-get install chromium)." >&2
fi
exit 0
