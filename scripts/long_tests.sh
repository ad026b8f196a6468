#!/usr/bin/env bash
# The tests too long for CI (marked `long`: a minute or more each on 2 cores). CI runs every other
# test; run these before a release, or after changing what they cover. Exits non-zero on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
exec nice python -m pytest -p no:cacheprovider -m long "$@"
