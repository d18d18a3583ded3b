#!/usr/bin/env bash
# Prints the path of a Python >= 3.12 for the virtual environment, or explains why there is none.
set -u
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; }
candidates=()
[[ -n ${PYTHON:-} ]] && candidates+=("$PYTHON")
if command -v pyenv >/dev/null 2>&1; then
  # The repo's .python-version (3.12.1) first, then any other installed 3.12+.
  candidates+=("$(pyenv which python 2>/dev/null)")
  for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.(1[2-9]|[2-9][0-9])' | sort -rV); do
    candidates+=("$(pyenv root)/versions/$v/bin/python")
  done
fi
candidates+=(python3.13 python3.12 python3 python)
for c in "${candidates[@]}"; do
  p=$(command -v "$c" 2>/dev/null) || continue
  if ok "$p"; then echo "$p"; exit 0; fi
done
echo "release-sim needs Python 3.12 or newer (mesa 3.5 requires it) and found none." >&2
echo "Install one (for example 'pyenv install 3.12.1'), or point PYTHON at it: make PYTHON=/path/to/python3.12 test" >&2
exit 1
