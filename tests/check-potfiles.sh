#!/usr/bin/env bash
# Copyright 2026 The Vibe Quality Searcharr authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Fails when po/POTFILES.in is out of date: a file under src/, resources/
# or data/ has translatable strings but is not listed (so its strings never
# reach translators), or a listed file no longer exists (which breaks the
# pot target). Then it extracts the strings with xgettext, as the pot
# target does, so that a listed file xgettext cannot parse fails here too.
#
# usage: check-potfiles.sh SOURCE_ROOT
set -euo pipefail

srcroot=${1:?usage: $0 SOURCE_ROOT}
cd "$srcroot"

potfiles=po/POTFILES.in
listed=$(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$potfiles" | sort -u)

# Gettext calls of the glib preset in C, and translatable="yes" in
# GtkBuilder files. The character before the keyword must not be part of
# an identifier, so that e.g. "foo_(" does not count.
c_pattern='(^|[^A-Za-z0-9_])(_|N_|C_|NC_|ngettext|g_dngettext|g_dpgettext2?)[[:space:]]*\('
ui_pattern='translatable="yes"'

wanted=$(
  {
    grep -rlIE --include='*.c' --include='*.h' "$c_pattern" src resources data 2>/dev/null || true
    grep -rlI --include='*.ui' --include='*.xml' --include='*.in' "$ui_pattern" \
      src resources data 2>/dev/null || true
    # These are translated as a whole by their gettext ITS rules.
    find data -maxdepth 1 -type f \( -name '*.desktop.in' -o -name '*.metainfo.xml.in' \
      -o -name '*.gschema.xml.in' -o -name '*.gschema.xml' \)
  } | sed 's|^\./||' | sort -u
)

status=0

missing=$(comm -23 <(printf '%s\n' "$wanted") <(printf '%s\n' "$listed") | sed '/^$/d')
if [ -n "$missing" ]; then
  echo "These files have translatable strings but are missing from $potfiles:" >&2
  printf '  %s\n' $missing >&2
  status=1
fi

for f in $listed; do
  if [ ! -f "$f" ]; then
    echo "$potfiles lists $f, which does not exist." >&2
    status=1
  fi
done

if [ "$status" -ne 0 ]; then
  exit "$status"
fi

# Same keywords as i18n.gettext(preset: 'glib').
pot=$(mktemp "${TMPDIR:-/tmp}/vqs-potfiles.XXXXXX.pot")
trap 'rm -f "$pot"' EXIT
xgettext --files-from="$potfiles" --directory=. --output="$pot" --from-code=UTF-8 \
  --add-comments --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
  --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
  --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
  --flag=g_markup_printf_escaped:1:c-format --flag=g_log:3:c-format \
  --flag=g_print:1:c-format --flag=g_printerr:1:c-format --flag=g_printf:1:c-format \
  --flag=g_fprintf:2:c-format --flag=g_sprintf:2:c-format --flag=g_snprintf:3:c-format

count=$(grep -c '^msgid "[^"]' "$pot" || true)
echo "$(printf '%s\n' "$listed" | wc -l) files in $potfiles, $count strings extracted."
if [ "$count" -eq 0 ]; then
  echo "xgettext extracted no strings from $potfiles." >&2
  exit 1
fi
