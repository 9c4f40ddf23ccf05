#!/usr/bin/env bash
# Copyright 2026 The Vibe Quality Searcharr authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Renders the screenshots again (tests/test-ui-screenshots.c draws them with
# GTK's own renderer into BUILDDIR/tests/screenshots) and copies them into
# data/screenshots, where the metainfo points. Review them before committing.
#
# usage: BUILDDIR=_build tests/update-screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."

builddir=${BUILDDIR:-_build}
if [ ! -f "$builddir/build.ninja" ]; then
  meson setup "$builddir" -Dwerror=true
fi
ninja -C "$builddir"
rm -rf "$builddir/tests/screenshots"
tests/session-run meson test -C "$builddir" test-ui-screenshots --print-errorlogs
mkdir -p data/screenshots
cp "$builddir"/tests/screenshots/*.png data/screenshots/
ls -l data/screenshots
