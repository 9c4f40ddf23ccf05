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

# ~/.local/share is where GLib looks by default, but not when XDG_DATA_HOME
# points elsewhere: name the prefix explicitly so the schema, icons and
# translations are always found.
export PATH="$prefix/bin:$PATH"
export XDG_DATA_DIRS="$prefix/share:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}"
exec vibe-quality-searcharr "$@"
