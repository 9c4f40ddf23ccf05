#!/usr/bin/python3
# Copyright 2026 The Vibe Quality Searcharr authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# End to end through the accessibility tree, as a screen reader user
# would go: the real program adds an instance that points at a running
# fake-arr, and the new row shows up healthy.
#
# usage: test-a11y.py PROGRAM FAKE_ARR SCHEMA_DIR
#
# Runs inside tests/session-run (Xvfb without a window manager, a private
# session bus with an unlocked keyring). GTK 4.8 does not implement the
# AT-SPI EditableText interface, so text goes in as key presses (XTest)
# after a click on the field, at the position AT-SPI reports.

import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

SKIP = 77

try:
    import dogtail.config
    dogtail.config.config.checkForA11y = False
    dogtail.config.config.searchShowingOnly = False
    dogtail.config.config.searchCutoffCount = 3
    dogtail.config.config.defaultDelay = 0.2
    dogtail.config.config.typingDelay = 0.02
    dogtail.config.config.logDebugToStdOut = False
    dogtail.config.config.logDebugToFile = False
    from dogtail import rawinput, tree
    from dogtail.predicate import GenericPredicate
except ImportError as error:
    print(f"1..0 # SKIP dogtail is not available: {error}")
    sys.exit(SKIP)

NAME = "Screen Reader Sonarr"
KEY = "0123456789abcdef0123456789abcdef"
APP_NAMES = ("vibe-quality-searcharr", "Searcharr")


def wait_for(what, probe, timeout=30.0):
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = probe()
        except (tree.SearchError, LookupError):
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def find(node, name, role, retry=False):
    """The first showing descendant with this name and role, or None."""
    return node.findChild(GenericPredicate(name=name, roleName=role),
                          retry=retry, requireResult=False)


def find_button(node, label):
    """A push button reading @label. GTK 4.8 names a labelled button after
    its accessible label followed by its label's text ("Add Add").
    """
    def matches(candidate):
        words = (candidate.name or "").replace("_", "").split()
        return candidate.roleName == "push button" and words[:1] == [label]

    return node.findChild(matches, retry=False, requireResult=False)


def start_fake_arr(fake_arr):
    fake = subprocess.Popen([fake_arr, "--port", "0"], stdout=subprocess.PIPE, text=True)
    url = fake.stdout.readline().strip()
    assert url.startswith("http://127.0.0.1:"), f"fake-arr printed {url!r}"
    return fake, url


def start_program(program, schema_dir, home):
    env = dict(os.environ)
    env.pop("NO_AT_BRIDGE", None)
    env.update({
        "GTK_A11Y": "atspi",
        "GSETTINGS_BACKEND": "memory",
        "GSETTINGS_SCHEMA_DIR": schema_dir,
        # A database of its own, so it starts with no instances.
        "XDG_DATA_HOME": os.path.join(home, "data"),
        "XDG_CONFIG_HOME": os.path.join(home, "config"),
        "XDG_STATE_HOME": os.path.join(home, "state"),
    })
    return subprocess.Popen([program], env=env)


def find_app():
    for app in tree.root.applications():
        if app.name in APP_NAMES:
            return app
    return None


def type_into(dialog, field, text):
    entry = wait_for(f"the {field} field", lambda: find(dialog, field, "text"))
    entry.click()
    time.sleep(0.3)
    rawinput.typeText(text)
    time.sleep(0.3)


def run(program, fake_arr, schema_dir):
    home = tempfile.mkdtemp(prefix="vqs-a11y-")
    fake, url = start_fake_arr(fake_arr)
    app_process = start_program(program, schema_dir, home)
    try:
        app = wait_for("the program on the accessibility bus", find_app)
        frame = wait_for("the main window", lambda: find(app, "Searcharr", "frame"))
        print("ok 1 - the main window is on the accessibility bus")

        add = wait_for("the Add Instance button",
                       lambda: find(frame, "Add Instance", "push button"))
        add.doActionNamed("click")
        dialog = wait_for("the Add Instance dialog", lambda: find(app, "Add Instance", "frame"))
        save = wait_for("the Add button", lambda: find_button(dialog, "Add"))
        assert not save.sensitive, "Add is available before anything was entered"
        print("ok 2 - the Add Instance button opens the dialog, Add waits for input")

        type_into(dialog, "Name", NAME)
        type_into(dialog, "URL", url)
        type_into(dialog, "API Key", KEY)
        wait_for("the Add button to become available", lambda: save.sensitive)
        print("ok 3 - the filled-in form can be saved")

        save.doActionNamed("click")
        wait_for("the dialog to close", lambda: find(app, "Add Instance", "frame") is None)
        instances = wait_for("the instance list", lambda: find(frame, "Instances", "list"))
        row = wait_for("the new row", lambda: find(instances, NAME, "list item"))
        wait_for("the row to report the connection",
                 lambda: find(row, "Healthy", "label"), timeout=30)
        print("ok 4 - the new instance is listed and healthy")
    finally:
        app_process.terminate()
        try:
            app_process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            app_process.kill()
            app_process.wait()
        fake.terminate()
        fake.wait()
        shutil.rmtree(home, ignore_errors=True)


def main():
    if len(sys.argv) != 4:
        print(f"usage: {sys.argv[0]} PROGRAM FAKE_ARR SCHEMA_DIR", file=sys.stderr)
        return 2
    print("1..4", flush=True)
    try:
        run(*sys.argv[1:])
    except Exception:
        # dogtail swallows stderr; TAP readers show stdout.
        print("not ok - " + traceback.format_exc().replace("\n", "\n# "), flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
