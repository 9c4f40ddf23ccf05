#!/usr/bin/env bash
# Copyright 2026 The Vibe Quality Searcharr authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Fails when a catalogue in po/LINGUAS is broken or incomplete:
#  1. msgfmt --check rejects it (format specifiers that do not match the
#     msgid, a bad header or plural formula, ...);
#  2. merged into a template freshly extracted from po/POTFILES.in, it has
#     an untranslated or fuzzy message, so a string someone added or
#     changed in the sources is still waiting for its translation;
#  3. a translation breaks a rule the program or the data files rely on:
#     a mnemonic lost or doubled, a desktop Keywords list that no longer
#     ends with ';', or (French) a plain space where a no-break space
#     belongs, before : ; ? ! » and after «.
#
# usage: check-translations.sh SOURCE_ROOT
set -euo pipefail

srcroot=${1:?usage: $0 SOURCE_ROOT}
cd "$srcroot"

linguas=$(sed -e 's/#.*//' po/LINGUAS | tr -s '[:space:]' ' ')
if [ -z "${linguas// /}" ]; then
  echo "po/LINGUAS lists no language; nothing to check."
  exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vqs-translations.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# Same keywords and flags as i18n.gettext(preset: 'glib') and
# check-potfiles.sh. xgettext 0.21 reads the .ui, .desktop.in,
# .metainfo.xml.in and .gschema.xml.in files with its built-in and the
# installed ITS rules, as the meson pot target does.
xgettext --files-from=po/POTFILES.in --directory=. --output="$tmp/template.pot" \
  --from-code=UTF-8 --add-comments \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
  --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
  --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
  --flag=g_markup_printf_escaped:1:c-format --flag=g_log:3:c-format \
  --flag=g_print:1:c-format --flag=g_printerr:1:c-format --flag=g_printf:1:c-format \
  --flag=g_fprintf:2:c-format --flag=g_sprintf:2:c-format --flag=g_snprintf:3:c-format \
  2>"$tmp/xgettext.log" || { cat "$tmp/xgettext.log" >&2; exit 1; }

count=$(($(grep -c "^msgid " "$tmp/template.pot") - 1))
echo "Template: $count messages extracted from the files in po/POTFILES.in."

# Per message (msgexec: msgid in MSGEXEC_MSGID, msgstr on standard input).
# Prints one line per problem; the header (empty msgid) is skipped.
rules='
  [ -n "$MSGEXEC_MSGID" ] || exit 0
  msgstr=$(cat)
  [ -n "$msgstr" ] || exit 0
  where="${MSGEXEC_LOCATION:-?}"
  # A mnemonic: exactly one underscore in front of a letter and no other
  # underscores (which rules out snake_case names in the help texts).
  mnemonics() { printf "%s" "$1" | tr -cd _ | wc -c; }
  case "$MSGEXEC_MSGID" in
    *_*)
      if [ "$(mnemonics "$MSGEXEC_MSGID")" -eq 1 ] &&
         printf "%s" "$MSGEXEC_MSGID" | grep -q "_[[:alpha:]]"; then
        if [ "$(mnemonics "$msgstr")" -ne 1 ] || ! printf "%s" "$msgstr" | grep -q "_[[:alpha:]]"; then
          echo "$where: the mnemonic of \"$MSGEXEC_MSGID\" is lost or doubled: \"$msgstr\""
        fi
      fi ;;
  esac
  # Desktop Keywords and similar lists: the trailing semicolon must stay.
  case "$MSGEXEC_MSGID" in
    *\;*\;)
      case "$msgstr" in
        *\;) ;;
        *) echo "$where: \"$msgstr\" must end with a semicolon like its msgid" ;;
      esac ;;
  esac
  if [ "$LANG_CODE" = fr ] && printf "%s" "$msgstr" | grep -q -e " [:;?!]" -e " »" -e "« "; then
    echo "$where: use a no-break space (U+00A0) around : ; ? ! « »: \"$msgstr\""
  fi
'

status=0
for lang in $linguas; do
  po=po/$lang.po
  if [ ! -f "$po" ]; then
    echo "not ok: po/LINGUAS lists $lang, but $po does not exist" >&2
    status=1
    continue
  fi

  if msgfmt --check --statistics -o /dev/null "$po" 2>"$tmp/$lang.msgfmt"; then
    echo "ok: $po compiles: $(tr '\n' ' ' <"$tmp/$lang.msgfmt")"
  else
    echo "not ok: msgfmt --check rejects $po:" >&2
    cat "$tmp/$lang.msgfmt" >&2
    status=1
    continue
  fi

  msgmerge --quiet --previous --output-file="$tmp/$lang.po" "$po" "$tmp/template.pot"
  msgattrib --untranslated --no-obsolete "$tmp/$lang.po" >"$tmp/$lang.untranslated"
  msgattrib --only-fuzzy --no-obsolete "$tmp/$lang.po" >"$tmp/$lang.fuzzy"
  if [ -s "$tmp/$lang.untranslated" ] || [ -s "$tmp/$lang.fuzzy" ]; then
    echo "not ok: $po is not up to date with the sources (run the" \
         "vibe-quality-searcharr-update-po target, then translate):" >&2
    cat "$tmp/$lang.untranslated" "$tmp/$lang.fuzzy" >&2
    status=1
  else
    echo "ok: $po translates every message of the fresh template"
  fi

  LANG_CODE=$lang msgexec --input="$po" sh -c "$rules" >"$tmp/$lang.rules"
  if [ -s "$tmp/$lang.rules" ]; then
    echo "not ok: $po breaks translation rules:" >&2
    cat "$tmp/$lang.rules" >&2
    status=1
  else
    echo "ok: $po keeps its mnemonics, keyword lists and typography"
  fi
done

exit "$status"
