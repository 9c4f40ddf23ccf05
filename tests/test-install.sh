#!/usr/bin/env bash
# Copyright 2026 The Vibe Quality Searcharr authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Installs the build into a throw-away DESTDIR and checks that every file a
# desktop needs lands where the desktop looks for it, with the app ID and
# paths filled in, and that the installed program runs.
#
# usage: test-install.sh BUILDDIR BINDIR DATADIR LOCALEDIR APP_ID APP_PATH VERSION LINGUAS
# (BINDIR, DATADIR and LOCALEDIR are the absolute, prefixed install paths.)
set -euo pipefail

if [ $# -ne 8 ]; then
  echo "usage: $0 BUILDDIR BINDIR DATADIR LOCALEDIR APP_ID APP_PATH VERSION LINGUAS" >&2
  exit 2
fi
builddir=$1 bindir=$2 datadir=$3 localedir=$4 app_id=$5 app_path=$6 version=$7 linguas=$8

destdir=$(mktemp -d "${TMPDIR:-/tmp}/vqs-install.XXXXXX")
trap 'rm -rf "$destdir"' EXIT

failures=0
fail() {
  echo "not ok: $*" >&2
  failures=$((failures + 1))
}

# The post-install hooks (schema compilation, icon cache) skip themselves
# when DESTDIR is set, so this never touches the real system.
meson install -C "$builddir" --destdir "$destdir" --no-rebuild --quiet

echo "Installed tree:"
(cd "$destdir" && find . -type f -o -type l | sed 's|^\./|  /|' | sort)

root=$destdir
expect_file() {
  if [ -f "$root$1" ]; then
    echo "ok: $1"
  else
    fail "$1 is not installed"
  fi
}

# Checks KEY=VALUE lines of a key file such as a desktop or service file.
expect_key() {
  local file=$1 key=$2 value=$3
  [ -f "$root$file" ] || return 0
  if grep -qxF "$key=$value" "$root$file"; then
    echo "ok: $key=$value in $file"
  else
    fail "$file has no line $key=$value (has: $(grep "^$key=" "$root$file" || echo none))"
  fi
}

program=$bindir/vibe-quality-searcharr
desktop=$datadir/applications/$app_id.desktop
metainfo=$datadir/metainfo/$app_id.metainfo.xml
service=$datadir/dbus-1/services/$app_id.service
schema=$datadir/glib-2.0/schemas/$app_id.gschema.xml

expect_file "$program"
expect_file "$desktop"
expect_file "$metainfo"
expect_file "$datadir/icons/hicolor/scalable/apps/$app_id.svg"
expect_file "$datadir/icons/hicolor/symbolic/apps/$app_id-symbolic.svg"
expect_file "$schema"
expect_file "$service"

# The metainfo promises searcharrctl, and README points at its man page.
expect_file "$bindir/searcharrctl"
expect_file "$datadir/man/man1/searcharrctl.1"

# One catalogue per language in po/LINGUAS.
for lang in $(sed -e 's/#.*//' "$linguas"); do
  expect_file "$localedir/$lang/LC_MESSAGES/vibe-quality-searcharr.mo"
done

expect_key "$desktop" Icon "$app_id"
expect_key "$desktop" Exec vibe-quality-searcharr
expect_key "$desktop" DBusActivatable true
expect_key "$service" Name "$app_id"
# The bus starts the service by absolute path, which must be the installed
# program and not a path inside DESTDIR or the build directory.
expect_key "$service" Exec "$program --gapplication-service"

if [ -f "$root$metainfo" ]; then
  if grep -qF "<id>$app_id</id>" "$root$metainfo" &&
     grep -qF "<launchable type=\"desktop-id\">$app_id.desktop</launchable>" "$root$metainfo"; then
    echo "ok: the metainfo names $app_id and launches $app_id.desktop"
  else
    fail "$metainfo does not carry the app ID $app_id"
  fi
fi

if [ -f "$root$schema" ]; then
  if grep -qF "<schema id=\"$app_id\" path=\"$app_path/\">" "$root$schema" &&
     glib-compile-schemas --strict --dry-run "$root$(dirname "$schema")"; then
    echo "ok: the installed schema $app_id compiles"
  else
    fail "$schema is not a valid schema with the ID $app_id"
  fi
fi

if [ -x "$root$program" ]; then
  out=$("$root$program" --version 2>&1) || fail "$program --version exited with $?"
  if [ "$out" = "vibe-quality-searcharr $version" ]; then
    echo "ok: $program --version prints \"$out\""
  else
    fail "$program --version printed \"$out\", not \"vibe-quality-searcharr $version\""
  fi

  # The row icons are compiled into the program where AdwApplication's
  # resource base path makes them part of the icon theme.
  resources=$(gresource list "$root$program" 2>&1 || true)
  for icon in vqs-sonarr-symbolic vqs-radarr-symbolic; do
    if printf '%s\n' "$resources" | grep -qxF "$app_path/icons/scalable/actions/$icon.svg"; then
      echo "ok: $icon is a resource of the program"
    else
      fail "$icon is not at $app_path/icons/scalable/actions/ in the program's resources"
    fi
  done
else
  fail "$program is not executable"
fi

if [ "$failures" -ne 0 ]; then
  echo "$failures installation checks failed." >&2
  exit 1
fi
echo "All installation checks passed."
