#!/usr/bin/python3
# Copyright 2026 The Vibe Quality Searcharr authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# searcharrctl against the real program, which the session bus starts from
# a service file pointing at the build: every command with --json parsed,
# the text output, the exit codes 0 to 4, the API key from a file, a pipe
# and a terminal, and never in any process's argv; waiting for the app's
# per-client limit on tests, and a hung server reported by the app rather
# than by a client-side D-Bus timeout.
#
# usage: test-searcharrctl.py PROGRAM SEARCHARRCTL FAKE_ARR APP_ID SCHEMA_DIR

import json
import os
import pty
import re
import select
import subprocess
import sys
import time

from vqs_bus_session import KEY, main, run

INSTANCE_FIELDS = {
    'id', 'uuid', 'name', 'kind', 'url', 'verify_tls', 'timeout_seconds',
    'rate_limit_per_minute', 'is_healthy', 'last_connection_test', 'last_connection_success',
    'last_error', 'version', 'created_at', 'updated_at', 'security_warning', 'has_api_key',
}
TEST_FIELDS = {'id', 'name', 'success', 'message', 'version', 'response_time_ms',
               'error_details', 'error_name'}
DRIFT_FIELDS = {'id', 'name', 'drift_detected', 'baseline_taken', 'current_version',
                'quality_profiles_count', 'changes'}
CHANGE_FIELDS = {'category', 'subject', 'before', 'after', 'description'}
ERROR = 'io.github.vibequality.Searcharr.Error.'


class Ctl:
    def __init__(self, tap, program):
        self.tap = tap
        self.program = program

    def __call__(self, *args, stdin=None, env=None):
        return run([self.program, *args], input=stdin, env=env)

    def json(self, *args, stdin=None, status=0, description=None):
        """Runs a command with --json; checks the status and parses stdout."""
        result = self(*args, '--json', stdin=stdin)
        self.tap.equal(result.returncode, status,
                       f'{description or " ".join(args)}: exit status {status}')
        try:
            return json.loads(result.stdout)
        except ValueError:
            self.tap.ok(False, f'{" ".join(args)} --json prints JSON',
                        result.stdout + result.stderr)
            return None


def no_key_in_process_list(tap, when):
    """What ps shows: every process's argv."""
    result = run(['ps', '-eww', '-o', 'args='])
    tap.ok(result.returncode == 0 and KEY not in result.stdout,
           f'the key is in no argv of the process list {when}')


def check_unavailable(tap, ctl):
    result = ctl('list')
    tap.equal(result.returncode, 4, 'without a service file and no app running: exit 4')
    tap.ok('searcharrctl:' in result.stderr, 'and a message on stderr', result.stderr)

    env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS='unix:path=/nonexistent/bus')
    result = ctl('show', '1', '--json', env=env)
    tap.equal(result.returncode, 4, 'without a session bus: exit 4')
    tap.ok('error' in json.loads(result.stdout or '{}'), 'and a JSON error object with --json',
           result.stdout)


def check_usage(tap, ctl):
    for args in ([], ['frobnicate'], ['add', '--name', 'Only a name'], ['show'],
                 ['show', 'a', 'b'], ['test'], ['test', '--all', 'extra'], ['drift'],
                 ['list', 'extra'], ['edit', '1', '--timeout', '-5'],
                 ['add', '--name', 'X1', '--kind', 'sonarr', '--url', 'http://nas',
                  '--api-key', KEY],
                 ['add', '--name', 'X1', '--kind', 'sonarr', '--url', 'http://nas',
                  f'--api-key={KEY}']):
        result = ctl(*args)
        tap.equal(result.returncode, 2, f'searcharrctl {" ".join(args)}: exit 2')
        tap.ok(KEY not in result.stderr + result.stdout, '  without echoing the key')

    for command in ('list', 'show', 'add', 'edit', 'remove', 'test', 'drift'):
        result = ctl(command, '--help')
        tap.ok(result.returncode == 0 and 'Usage:' in result.stdout and '--json' in result.stdout,
               f'searcharrctl {command} --help', result.stdout + result.stderr)
        if command in ('test', 'drift'):
            tap.ok('--no-wait' in result.stdout, '  and it offers --no-wait', result.stdout)
    result = ctl('--help')
    tap.ok(result.returncode == 0 and 'last_connection_success' in result.stdout,
           'searcharrctl --help documents the JSON format')
    tap.ok('--no-wait' in result.stdout and '10 connection tests' in result.stdout,
           'searcharrctl --help documents the limit and --no-wait', result.stdout)


def check_add(tap, ctl, session, url):
    # The key from a pipe.
    added = ctl.json('add', '--name', 'Living room', '--kind', 'sonarr', '--url', url,
                     '--rate-limit', '600', stdin=KEY + '\n', description='add (key on stdin)')
    tap.equal(set(added or {}), INSTANCE_FIELDS, 'add --json prints an instance object')
    if added:
        tap.equal((added['name'], added['kind'], added['url'], added['has_api_key'],
                   added['rate_limit_per_minute'], added['timeout_seconds'], added['verify_tls']),
                  ('Living room', 'sonarr', url, True, 600, 30, True),
                  'the new instance has the given settings')

    # The key from a file; a Radarr against a Sonarr fails its tests.
    key_file = os.path.join(session.tmp, 'key')
    with open(key_file, 'w') as f:
        f.write(KEY + '\n')
    result = ctl('add', '--name', 'Wrong kind', '--kind', 'radarr', '--url', url,
                 '--api-key-file', key_file, '--timeout', '10')
    tap.ok(result.returncode == 0 and 'Added “Wrong kind”' in result.stdout,
           'add --api-key-file, text output', result.stdout + result.stderr)

    # The key typed on a terminal, without echo.
    check_terminal_prompt(tap, ctl, url)

    error = ctl.json('add', '--name', 'LIVING ROOM', '--kind', 'sonarr', '--url', url,
                     stdin=KEY, status=1, description='add of a duplicate name')
    tap.equal((error or {}).get('error', {}).get('name'), ERROR + 'Duplicate',
              'the JSON error names io.github.vibequality.Searcharr.Error.Duplicate')
    error = ctl.json('add', '--name', 'Bad timeout', '--kind', 'sonarr', '--url', url,
                     '--timeout', '0', stdin=KEY, status=2,
                     description='add with an out-of-range timeout')
    message = (error or {}).get('error', {}).get('message', '')
    tap.ok(message.startswith('timeout-seconds: '), 'the message names the key', message)
    error = ctl.json('add', '--name', 'Bad key', '--kind', 'sonarr', '--url', url,
                     stdin='short', status=2, description='add with a short key')
    tap.ok(KEY not in json.dumps(error), 'no key in the error')
    message = (error or {}).get('error', {}).get('message', '')
    tap.ok(message.startswith('api-key: '), 'the app judged the key from the pipe', message)
    error = ctl.json('add', '--name', 'Long key', '--kind', 'sonarr', '--url', url,
                     stdin=KEY * 5, status=2, description='add with a key of 160 characters')
    message = (error or {}).get('error', {}).get('message', '')
    tap.ok('128 characters' in message and KEY not in message,
           'the message gives the longest length, not the key', message)


def check_terminal_prompt(tap, ctl, url):
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(ctl.program, [ctl.program, 'add', '--name', 'Typed key', '--kind', 'sonarr',
                               '--url', url, '--rate-limit', '600'])
    output = b''
    deadline = time.monotonic() + 30
    while b'API key: ' not in output and time.monotonic() < deadline:
        if select.select([fd], [], [], 0.5)[0]:
            output += os.read(fd, 1024)
    tap.ok(b'API key: ' in output, 'on a terminal, add prompts for the key', output)
    no_key_in_process_list(tap, 'while the prompt waits')
    os.write(fd, (KEY + '\n').encode())
    while time.monotonic() < deadline:
        try:
            if select.select([fd], [], [], 0.5)[0]:
                chunk = os.read(fd, 1024)
                if not chunk:
                    break
                output += chunk
        except OSError:
            break
    _, status = os.waitpid(pid, 0)
    tap.equal(os.waitstatus_to_exitcode(status), 0, 'the typed key is accepted')
    tap.ok(KEY.encode() not in output, 'the typed key is not echoed', output)
    no_key_in_process_list(tap, 'after adding')


def check_list_and_show(tap, ctl, url):
    instances = ctl.json('list')
    tap.ok(isinstance(instances, list) and len(instances) == 3, 'list --json: an array of 3',
           instances)
    if not instances:
        return
    tap.ok(all(set(i) == INSTANCE_FIELDS for i in instances), 'each with the instance fields')
    tap.equal([i['id'] for i in instances], sorted(i['id'] for i in instances), 'sorted by id')
    tap.ok(KEY not in json.dumps(instances), 'the key is in no output')

    result = ctl('list')
    lines = result.stdout.splitlines()
    tap.ok(result.returncode == 0 and lines[0].split()[:3] == ['ID', 'NAME', 'KIND'] and
           len(lines) == 4, 'list prints a table', result.stdout)

    by_id = ctl.json('show', str(instances[0]['id']), description='show ID')
    by_name = ctl.json('show', 'living ROOM', description='show NAME, another case')
    stable = ('id', 'uuid', 'name', 'kind', 'url', 'created_at')
    tap.equal([by_id.get(k) for k in stable], [by_name.get(k) for k in stable],
              'show by id and by name give the same instance')
    result = ctl('show', 'Living room')
    tap.ok(result.returncode == 0 and 'Living room' in result.stdout and
           'Object path:' in result.stdout, 'show prints the fields', result.stdout)

    for which in ('nothing by this name', '999'):
        error = ctl.json('show', which, status=3, description=f'show {which!r}')
        tap.equal((error or {}).get('error', {}).get('name'), ERROR + 'NotFound',
                  '  and the JSON error is NotFound')
    result = ctl('remove', 'nothing by this name')
    tap.equal(result.returncode, 3, 'remove of an unknown name: exit 3')


def check_edit(tap, ctl, session):
    edited = ctl.json('edit', 'Living room', '--name', 'Bedroom', '--timeout', '45',
                      '--no-verify-tls', description='edit')
    tap.equal(((edited or {}).get('name'), (edited or {}).get('timeout_seconds'),
               (edited or {}).get('verify_tls')), ('Bedroom', 45, False),
              'edit --json shows the changes')
    edited = ctl.json('edit', 'Bedroom', '--verify-tls', description='edit --verify-tls')
    tap.equal((edited or {}).get('verify_tls'), True, 'edit --verify-tls turns it back on')
    result = ctl('edit', 'Bedroom', '--url', 'ftp://nas')
    tap.ok(result.returncode == 2 and 'url: ' in result.stderr,
           'edit with an invalid URL: exit 2 and the key in the message', result.stderr)
    result = ctl('edit', 'Bedroom', '--api-key-file', os.path.join(session.tmp, 'missing'))
    tap.equal(result.returncode, 2, 'edit with an unreadable key file: exit 2')


def check_test(tap, ctl):
    result = ctl.json('test', 'Bedroom')
    tap.equal(set(result or {}), TEST_FIELDS, 'test --json prints a test result')
    tap.ok((result or {}).get('success') is True and
           (result or {}).get('version') == '4.0.19.2979', 'the test succeeds', result)

    result = ctl.json('test', 'Wrong kind', status=1, description='test of a failing instance')
    tap.equal((result or {}).get('error_name'), ERROR + 'WrongApplication',
              'the failed test names the error')

    results = ctl.json('test', '--all', status=1, description='test --all with one failing')
    tap.ok(isinstance(results, list) and len(results) == 3 and
           sorted(r['success'] for r in results) == [False, True, True],
           'test --all --json: an array of 3 results', results)

    result = ctl('test', 'Bedroom')
    tap.ok(result.returncode == 0 and result.stdout.startswith('Bedroom: Connected to Sonarr'),
           'test prints a sentence', result.stdout)


def check_drift(tap, ctl, session):
    report = ctl.json('drift', 'Bedroom')
    tap.equal(set(report or {}), DRIFT_FIELDS, 'drift --json prints a report')
    tap.equal((report or {}).get('drift_detected'), False, 'no drift at first')
    ctl.json('drift', '--accept', 'Bedroom', description='drift --accept')

    # The same server upgraded: a second fake with another version.
    upgraded = session.start_fake('--version', '4.1.0.1000')
    ctl.json('edit', 'Bedroom', '--url', upgraded, description='edit --url')
    report = ctl.json('drift', 'Bedroom', description='drift after an upgrade')
    tap.equal((report or {}).get('drift_detected'), True, 'the upgrade is drift')
    changes = (report or {}).get('changes', [])
    tap.ok(changes and all(set(c) == CHANGE_FIELDS for c in changes) and
           any(c['category'] == 'version' and c['after'] == '4.1.0.1000' for c in changes),
           'the changes name the new version', changes)
    result = ctl('drift', 'Bedroom')
    tap.ok(result.returncode == 0 and 'drifted' in result.stdout and '  - ' in result.stdout,
           'drift prints the changes', result.stdout)

    accepted = ctl.json('drift', '--accept', 'Bedroom', description='drift --accept')
    tap.equal((accepted or {}).get('accepted'), True, 'drift --accept --json')
    report = ctl.json('drift', 'Bedroom', description='drift after accepting')
    tap.equal((report or {}).get('drift_detected'), False, 'no drift after accepting')


def check_remove(tap, ctl):
    removed = ctl.json('remove', 'Wrong kind')
    tap.equal((removed or {}).get('removed'), True, 'remove --json')
    result = ctl('remove', 'Typed key')
    tap.ok(result.returncode == 0 and 'Removed' in result.stdout, 'remove', result.stdout)
    instances = ctl.json('list', description='list after removing')
    tap.equal([i['name'] for i in instances or []], ['Bedroom'], 'one instance is left')
    result = ctl('remove', 'Wrong kind')
    tap.equal(result.returncode, 3, 'removing it again: exit 3')


def add_instances(tap, ctl, url, names, *options):
    for name in names:
        result = ctl('add', '--name', name, '--kind', 'sonarr', '--url', url,
                     '--rate-limit', '600', *options, stdin=KEY)
        if result.returncode != 0:
            return tap.ok(False, f'add {name!r}', result.stdout + result.stderr)
    return tap.ok(True, 'the instance is added' if len(names) == 1
                  else f'{len(names)} instances are added')


def read_stderr_until(process, pattern, seconds):
    """What the process wrote to stderr until @pattern matched, it ended
    or @seconds passed."""
    output = b''
    deadline = time.monotonic() + seconds
    fd = process.stderr.fileno()
    while time.monotonic() < deadline and not re.search(pattern, output.decode(errors='replace')):
        if select.select([fd], [], [], 0.5)[0]:
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            output += chunk
    return output.decode(errors='replace')


def check_rate_limit(tap, ctl, url):
    """The app allows each bus connection (each searcharrctl run) 10 tests
    and drift checks a minute."""
    add_instances(tap, ctl, url, [f'Room {n}' for n in range(2, 12)])
    results = ctl.json('test', '--all', '--no-wait', status=1,
                       description='test --all --no-wait of 11 instances')
    results = results if isinstance(results, list) else []
    tap.equal(len(results), 11, 'test --all --no-wait: 11 results')
    tap.equal([r.get('success') for r in results], [True] * 10 + [False],
              'the first 10 succeed, the 11th fails')
    tap.equal(results[-1].get('error_name') if results else None, ERROR + 'RateLimited',
              'the 11th names io.github.vibequality.Searcharr.Error.RateLimited')

    # Without --no-wait the 11th test waits for the window: a minute, too
    # long to sit through here, so the test ends it once it is waiting.
    process = subprocess.Popen([ctl.program, 'test', '--all', '--json'],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        stderr = read_stderr_until(process, r'Waiting \d+ seconds?', 60)
        match = re.search(r'Waiting (\d+) seconds?', stderr)
        tap.ok(match is not None and 1 <= int(match.group(1)) <= 60,
               'test --all without --no-wait prints how long it waits', stderr)
        time.sleep(3)
        tap.equal(process.poll(), None, '  and is still waiting 3 s later')
    finally:
        process.kill()
        process.wait(10)


def check_hung_server(tap, ctl, session):
    """A server that never answers: the app gives up after 4 attempts of 3 s
    and backoffs of 2, 4 and 8 s, about 26 s in all, later than D-Bus's
    default of 25 s for a method call, so the app's own Timeout must come
    back, not the client's "Timeout was reached"."""
    url = session.start_fake('--fault', 'hang')
    add_instances(tap, ctl, url, ['Hung server'], '--timeout', '3')
    started = time.monotonic()
    result = ctl.json('test', 'Hung server', status=1, description='test of a hung server')
    tap.equal((result or {}).get('error_name'), ERROR + 'Timeout',
              'the app reports io.github.vibequality.Searcharr.Error.Timeout')
    tap.diag(f'the test took {time.monotonic() - started:.1f} s')


def check_failed_activation(tap, ctl, session):
    session.stop_app()
    session.install_service(0, exec_line='/bin/false')
    result = ctl('list')
    tap.equal(result.returncode, 4, 'a service that cannot start: exit 4')


def body(tap, session, program):
    ctl = Ctl(tap, program)
    check_unavailable(tap, ctl)
    check_usage(tap, ctl)

    url = session.start_fake()
    tap.ok(session.install_service(timeout_ms=60000), 'the service file is installed')
    check_add(tap, ctl, session, url)
    check_list_and_show(tap, ctl, url)
    check_edit(tap, ctl, session)
    check_test(tap, ctl)
    check_drift(tap, ctl, session)
    check_remove(tap, ctl)
    check_rate_limit(tap, ctl, url)
    check_hung_server(tap, ctl, session)
    no_key_in_process_list(tap, 'at the end')
    check_failed_activation(tap, ctl, session)


if __name__ == '__main__':
    sys.exit(main(body))
