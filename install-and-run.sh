#!/usr/bin/env bash
# On a fresh Debian 12 machine: installs the build dependencies (with sudo
# when not root), builds the app, installs it under ~/.local and launches it.
set -euo pipefail
cd "$(dirname "$0")"

.ci/install-deps

prefix="$HOME/.local"
if [ ! -f _build-app/build.ninja ]; then
  meson setup _build-app --prefix="$prefix" --buildtype=release
fi
meson install -C _build-app

export PATH="$prefix/bin:$PATH"
exec vibe-quality-searcharr "$@"
