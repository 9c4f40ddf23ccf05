#!/usr/bin/python3
# Copyright 2026 The Vibe Quality Searcharr authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Checks the Flatpak manifest offline, since the GNOME runtime cannot be
# downloaded here: it must name the app and program the build produces,
# grant exactly the sandbox holes the app needs, build this source tree,
# and, when flatpak-builder is installed, parse without a single warning.
#
# usage: test-flatpak-manifest.py MANIFEST APP_ID DESKTOP_FILE SOURCE_ROOT BUILD_ROOT

import json
import os
import shutil
import subprocess
import sys
import tempfile

# The keyring is reached through the Secret portal inside the sandbox, and
# the app's own bus name is implicit, so no --talk-name or --own-name.
EXPECTED_FINISH_ARGS = [
    '--share=network',
    '--share=ipc',
    '--socket=wayland',
    '--socket=fallback-x11',
    '--device=dri',
]

failures = []


def check(condition, message):
    if condition:
        print('ok:', message)
    else:
        print('not ok:', message, file=sys.stderr)
        failures.append(message)


def desktop_exec(path):
    with open(path, encoding='utf-8') as f:
        for line in f:
            if line.startswith('Exec='):
                return line[len('Exec='):].split()[0]
    return None


def installed_executables(build_root):
    """Names of the executables `meson install` puts into a bin directory."""
    with open(os.path.join(build_root, 'meson-info', 'intro-targets.json'),
              encoding='utf-8') as f:
        targets = json.load(f)
    names = set()
    for target in targets:
        if target['type'] != 'executable' or not target.get('installed'):
            continue
        for path in target.get('install_filename', []):
            if os.path.basename(os.path.dirname(path)) == 'bin':
                names.add(os.path.basename(path))
    return names


def show_manifest(manifest, app_id):
    """flatpak-builder's own parser: unknown keys and wrong types warn."""
    builder = shutil.which('flatpak-builder')
    if builder is None:
        print('# flatpak-builder is not installed; skipped its parse check')
        return
    with tempfile.TemporaryDirectory(prefix='vqs-flatpak.') as tmp:
        env = dict(os.environ, HOME=tmp, G_DEBUG='fatal-warnings')
        proc = subprocess.run([builder, '--show-manifest', os.path.abspath(manifest)],
                              cwd=tmp, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
    check(proc.returncode == 0, 'flatpak-builder --show-manifest parses it without warnings')
    if proc.returncode == 0:
        shown = json.loads(proc.stdout)
        check(shown.get('id') == app_id, 'flatpak-builder reads the same app ID')


if len(sys.argv) != 6:
    sys.exit(f'usage: {sys.argv[0]} MANIFEST APP_ID DESKTOP_FILE SOURCE_ROOT BUILD_ROOT')
manifest, app_id, desktop_file, source_root, build_root = sys.argv[1:]

try:
    with open(manifest, encoding='utf-8') as f:
        manifest_data = json.load(f)
except ValueError as e:
    sys.exit(f'not ok: {manifest} is not valid JSON: {e}')
print('ok: the manifest is valid JSON')

check(os.path.basename(manifest) == app_id + '.json', 'the manifest is named after the app ID')
check(manifest_data.get('app-id') == app_id, f'app-id is {app_id}')
check(manifest_data.get('runtime') == 'org.gnome.Platform', 'the runtime is org.gnome.Platform')
check(manifest_data.get('sdk') == 'org.gnome.Sdk', 'the SDK is org.gnome.Sdk')
check(isinstance(manifest_data.get('runtime-version'), str), 'runtime-version is a string')

command = manifest_data.get('command')
check(command == desktop_exec(desktop_file),
      f'command {command!r} is the program the desktop file starts')
check(command in installed_executables(build_root),
      f'command {command!r} is an executable that meson installs')

finish_args = manifest_data.get('finish-args', [])
check(finish_args == EXPECTED_FINISH_ARGS,
      'finish-args are exactly ' + ' '.join(EXPECTED_FINISH_ARGS))
check(not any('org.freedesktop.secrets' in arg for arg in finish_args),
      'no access to org.freedesktop.secrets (libsecret uses the portal)')

modules = manifest_data.get('modules', [])
app_module = modules[-1] if modules else {}
check(app_module.get('buildsystem') == 'meson', 'the last module is built with meson')
sources = app_module.get('sources', [])
dir_sources = [s for s in sources if s.get('type') == 'dir']
check(len(sources) == 1 and len(dir_sources) == 1 and dir_sources[0].get('path') == '..',
      'the app module builds this source tree (type dir, path "..")')
if dir_sources:
    tree = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(manifest)),
                                         dir_sources[0].get('path', '')))
    check(tree == os.path.realpath(source_root), f'".." from the manifest is {source_root}')

show_manifest(manifest, app_id)

if failures:
    sys.exit(f'{len(failures)} manifest checks failed')
print('All manifest checks passed.')
