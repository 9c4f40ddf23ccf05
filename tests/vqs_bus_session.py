# Copyright 2026 The Vibe Quality Searcharr authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Shared by test-dbus-session.py and test-searcharrctl.py: lets the session
# bus of tests/session-run start the real program (D-Bus activation) from
# a service file that points at the build, runs the fake Sonarr/Radarr, and
# prints TAP. The program gets its own XDG_DATA_HOME, so every run starts
# with an empty database; the keyring is the session's.

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

KEY = '0123456789abcdef0123456789abcdef'   # VQS_FAKE_ARR_DEFAULT_API_KEY


class Tap:
    def __init__(self):
        self.count = 0
        self.failed = 0

    def ok(self, condition, description, details=None):
        self.count += 1
        if condition:
            print(f'ok {self.count} - {description}', flush=True)
        else:
            self.failed += 1
            print(f'not ok {self.count} - {description}', flush=True)
            for line in str(details or '').splitlines():
                print(f'# {line}', flush=True)
        return condition

    def equal(self, actual, expected, description):
        return self.ok(actual == expected, description,
                       f'expected: {expected!r}\nactual:   {actual!r}')

    def diag(self, text):
        for line in str(text).splitlines():
            print(f'# {line}', flush=True)

    def finish(self):
        print(f'1..{self.count}', flush=True)
        return 1 if self.failed else 0


def run(args, **kwargs):
    kwargs.setdefault('capture_output', True)
    kwargs.setdefault('text', True)
    kwargs.setdefault('timeout', 90)
    return subprocess.run(args, **kwargs)


def bus_call(method, *args):
    return run(['gdbus', 'call', '--session', '--dest', 'org.freedesktop.DBus',
                '--object-path', '/org/freedesktop/DBus',
                '--method', 'org.freedesktop.DBus.' + method, *args])


class Session:
    def __init__(self, program, fake_arr, app_id, schema_dir):
        self.program = program
        self.fake_arr = fake_arr
        self.app_id = app_id
        self.root = '/' + app_id.replace('.', '/').replace('-', '_')
        self.schema_dir = schema_dir
        self.tmp = tempfile.mkdtemp(prefix='vqs-bus-session-')
        self.data_home = os.path.join(self.tmp, 'data')
        self.log = os.path.join(self.tmp, 'app.log')
        services = os.path.join(os.environ['XDG_DATA_HOME'], 'dbus-1', 'services')
        os.makedirs(services, exist_ok=True)
        self.service_file = os.path.join(services, app_id + '.service')
        self.fakes = []

    # The service file

    def install_service(self, timeout_ms, exec_line=None):
        """Points the bus at the build's program. The bus starts services
        with its own environment; env(1) adds what the test run needs."""
        if exec_line is None:
            env = {
                'VQS_INACTIVITY_TIMEOUT_MS': str(timeout_ms),
                'XDG_DATA_HOME': self.data_home,
                'GSETTINGS_BACKEND': 'memory',
                'GSETTINGS_SCHEMA_DIR': self.schema_dir,
                'GTK_A11Y': 'none',
                'NO_AT_BRIDGE': '1',
                'GSK_RENDERER': 'cairo',
                'GDK_BACKEND': 'x11',
                'G_SLICE': 'always-malloc',
            }
            assignments = ' '.join(f'{k}={v}' for k, v in env.items())
            exec_line = (f"/bin/sh -c 'exec /usr/bin/env {assignments} {self.program} "
                         f"--gapplication-service >>{self.log} 2>&1'")
        with open(self.service_file, 'w') as f:
            f.write(f'[D-BUS Service]\nName={self.app_id}\nExec={exec_line}\n')
        return self.reload()

    def remove_service(self):
        if os.path.exists(self.service_file):
            os.unlink(self.service_file)
        self.reload()

    def reload(self):
        return bus_call('ReloadConfig').returncode == 0

    # The app's name on the bus

    def owner(self):
        result = bus_call('GetNameOwner', self.app_id)
        if result.returncode != 0:
            return None
        return re.search(r"'([^']*)'", result.stdout).group(1)

    def pid(self):
        result = bus_call('GetConnectionUnixProcessID', self.app_id)
        if result.returncode != 0:
            return None
        return int(re.search(r'uint32 (\d+)', result.stdout).group(1))

    def wait_for_no_owner(self, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.owner() is None:
                return True
            time.sleep(0.1)
        return False

    def stop_app(self):
        """Ends the program this session had the bus start, by its pid,
        and only if that pid really runs the build's program."""
        pid = self.pid()
        if pid is None:
            return
        try:
            with open(f'/proc/{pid}/cmdline', 'rb') as f:
                argv = f.read().split(b'\0')
        except OSError:
            return
        if argv[0].decode() == self.program:
            os.kill(pid, 15)
            self.wait_for_no_owner(20)

    def app_log(self):
        try:
            with open(self.log) as f:
                return f.read()
        except OSError:
            return ''

    # gdbus against the app

    def gdbus_call(self, path, method, *args):
        return run(['gdbus', 'call', '--session', '--dest', self.app_id,
                    '--object-path', path, '--method', method, *args])

    def introspect(self, path):
        return run(['gdbus', 'introspect', '--session', '--dest', self.app_id,
                    '--object-path', path, '--xml'])

    # The fake Sonarr/Radarr

    def start_fake(self, *args):
        process = subprocess.Popen([self.fake_arr, '--port', '0', *args],
                                   stdout=subprocess.PIPE, text=True)
        url = process.stdout.readline().strip()
        self.fakes.append(process)
        return url

    def close(self):
        self.stop_app()
        self.remove_service()
        for process in self.fakes:
            process.terminate()
            process.wait(10)
        shutil.rmtree(self.tmp, ignore_errors=True)


def main(body):
    """usage: SCRIPT PROGRAM SEARCHARRCTL FAKE_ARR APP_ID SCHEMA_DIR"""
    if len(sys.argv) != 6:
        print(main.__doc__, file=sys.stderr)
        return 2
    program, ctl, fake_arr, app_id, schema_dir = sys.argv[1:]
    # meson passes programs relative to the build directory, but the bus
    # starts the service from elsewhere.
    program, ctl, fake_arr = (os.path.abspath(p) for p in (program, ctl, fake_arr))
    tap = Tap()
    session = Session(program, fake_arr, app_id, schema_dir)
    if session.owner() is not None:
        print(f'Bail out! {app_id} is already on the session bus', flush=True)
        return 1
    try:
        body(tap, session, ctl)
    except Exception as error:      # a crash is a failure with its story
        import traceback
        tap.ok(False, f'no exception ({error!r})', traceback.format_exc())
    finally:
        if tap.failed:
            tap.diag('The program\'s output:\n' + session.app_log())
        session.close()
    return tap.finish()
