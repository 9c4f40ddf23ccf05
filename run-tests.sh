#!/usr/bin/env bash
# Builds the project (configuring it with -Dwerror=true on first use) and
# runs the whole test suite inside a throw-away desktop session.
# Extra arguments go to `meson test`, e.g. `./run-tests.sh --suite core`.
# BUILDDIR selects another build directory (CI uses one for sanitizers).
set -euo pipefail
cd "$(dirname "$0")"

builddir=${BUILDDIR:-_build}
if [ ! -f "$builddir/build.ninja" ]; then
  meson setup "$builddir" -Dwerror=true
fi
ninja -C "$builddir"
exec tests/session-run meson test -C "$builddir" --print-errorlogs "$@"
