#!/usr/bin/python3
# Copyright 2026 The Vibe Quality Searcharr authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The D-Bus face of the real program, as any client sees it: the session
# bus starts it from a service file (D-Bus activation), gdbus, busctl and
# searcharrctl talk to it, dbus-monitor records a whole create, update,
# test and list session in which the API key never travels on the bus
# (searcharrctl hands it over in a pipe, api-key-fd), and the service
# exits on its own once idle. Launching the program while the service runs
# opens the window in that same process. Bad calls fail with the documented
# error names and change nothing, the per-caller limit holds for a real
# client connection, and the service file the build generates names the
# same bus name and argument as the one the test installs.
#
# usage: test-dbus-session.py PROGRAM SEARCHARRCTL FAKE_ARR APP_ID SCHEMA_DIR

import configparser
import json
import os
import re
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

from gi.repository import Gio, GLib

from vqs_bus_session import KEY, main, run

MANAGER = 'io.github.vibequality.Searcharr.Manager1'
INSTANCE = 'io.github.vibequality.Searcharr.Instance1'
ERROR = 'io.github.vibequality.Searcharr.Error.'
SOURCE_XML = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'data', 'dbus')
OBJECT_MANAGER = 'org.freedesktop.DBus.ObjectManager'
UNKNOWN_METHOD = 'org.freedesktop.DBus.Error.UnknownMethod'
# A well-formed key that no instance uses; a bad call must not store it.
OTHER_KEY = 'fedcba9876543210fedcba9876543210'
CALL_TIMEOUT_MS = 10000
CALLS_PER_MINUTE = 10     # VQS_DBUS_SERVICE_CALLS_PER_MINUTE


def interface_of(xml_text, name):
    for iface in ET.fromstring(xml_text).iter('interface'):
        if iface.get('name') == name:
            return iface
    return None


def signature(iface):
    """Methods with their arguments and properties with their types."""
    methods = {m.get('name'): [(a.get('type'), a.get('direction', 'in')) for a in m.iter('arg')]
               for m in iface.iter('method')}
    properties = {p.get('name'): (p.get('type'), p.get('access')) for p in iface.iter('property')}
    return methods, properties


def source_interface(name):
    with open(os.path.join(SOURCE_XML, name + '.xml')) as f:
        return interface_of(f.read(), name)


def split_messages(capture):
    """dbus-monitor prints a header line per message, its arguments
    indented below it."""
    messages = []
    for line in capture.splitlines():
        if re.match(r'^(method call|method return|error|signal) ', line):
            messages.append([line])
        elif messages:
            messages[-1].append(line)
    return ['\n'.join(m) for m in messages]


def start_monitor(tap, path):
    output = open(path, 'w')
    monitor = subprocess.Popen(['dbus-monitor', '--session'], stdout=output,
                               stderr=subprocess.STDOUT)
    # It announces itself (NameAcquired/NameLost) once it monitors.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and os.path.getsize(path) == 0:
        time.sleep(0.05)
    tap.ok(os.path.getsize(path) > 0, 'dbus-monitor is recording the session bus')
    return monitor, output


def ctl_json(ctl, *args, stdin=None):
    """Runs searcharrctl with --json; returns the result and the parsed output."""
    result = run([ctl, *args, '--json'], input=stdin)
    try:
        return result, json.loads(result.stdout)
    except ValueError:
        return result, None


def check_activation_and_calls(tap, session, ctl, url):
    root = session.root

    tap.ok(session.owner() is None, 'the app is not running before the first call')
    result = session.gdbus_call(root, 'org.freedesktop.DBus.ObjectManager.GetManagedObjects')
    tap.equal(result.stdout.strip(), '(@a{oa{sa{sv}}} {},)',
              'gdbus call starts the app and GetManagedObjects answers an empty list')
    tap.ok(session.owner() is not None, 'the bus started the app as a service')
    session.activated_pid = session.pid()

    # Introspection matches the interface files.
    result = session.introspect(root)
    manager = interface_of(result.stdout, MANAGER) if result.returncode == 0 else None
    tap.ok(manager is not None, 'gdbus introspect shows Manager1 on the root object',
           result.stdout + result.stderr)
    if manager is not None:
        tap.equal(signature(manager), signature(source_interface(MANAGER)),
                  'the introspected Manager1 matches its XML')
    tap.ok(interface_of(result.stdout, 'org.freedesktop.DBus.ObjectManager') is not None,
           'the root object is an ObjectManager')
    tap.ok(interface_of(result.stdout, 'org.gtk.Application') is not None,
           'the root object is also the GApplication')

    # Creating, updating, testing and listing go through searcharrctl,
    # which passes the key in a pipe: the capture must not hold it.
    result, added = ctl_json(ctl, 'add', '--name', 'Living room', '--kind', 'sonarr', '--url', url,
                             '--rate-limit', '600', stdin=KEY + '\n')
    tap.ok(result.returncode == 0 and added is not None and added.get('id') == 1 and
           added.get('has_api_key') is True, 'searcharrctl add creates instance 1 with a key',
           result.stdout + result.stderr)
    path = f'{root}/instances/1'

    result = session.introspect(path)
    instance = interface_of(result.stdout, INSTANCE) if result.returncode == 0 else None
    tap.ok(instance is not None, 'the instance object implements Instance1',
           result.stdout + result.stderr)
    if instance is not None:
        tap.equal(signature(instance), signature(source_interface(INSTANCE)),
                  'the introspected Instance1 matches its XML')
    nodes = [n.get('name') for n in ET.fromstring(session.introspect(root).stdout).iter('node')]
    tap.ok('instances' in nodes, 'the root object lists the instances node', nodes)

    key_file = os.path.join(session.tmp, 'key')
    with open(key_file, 'w') as f:
        f.write(KEY + '\n')
    result, edited = ctl_json(ctl, 'edit', 'Living room', '--name', 'Bedroom',
                              '--api-key-file', key_file)
    tap.ok(result.returncode == 0 and edited is not None and edited.get('name') == 'Bedroom',
           'searcharrctl edit renames the instance and replaces its key',
           result.stdout + result.stderr)

    # The fake checks the key: a success proves it arrived whole.
    result, tested = ctl_json(ctl, 'test', 'Bedroom')
    tap.ok(result.returncode == 0 and tested is not None and tested.get('success') is True and
           tested.get('version') == '4.0.19.2979',
           'TestConnection with the key from the pipe succeeds', result.stdout + result.stderr)

    result, listed = ctl_json(ctl, 'list')
    tap.equal([(i.get('name'), i.get('has_api_key')) for i in listed or []], [('Bedroom', True)],
              'searcharrctl list shows the instance')

    result = session.gdbus_call(path, 'org.freedesktop.DBus.Properties.Get', INSTANCE, 'Name')
    tap.equal(result.stdout.strip(), "(<'Bedroom'>,)", 'the Name property follows the update')
    result = session.gdbus_call(path, 'org.freedesktop.DBus.Properties.Get', INSTANCE,
                                'LastConnectionTest')
    tap.ok(re.fullmatch(r"\(<'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ'>,\)", result.stdout.strip()),
           'LastConnectionTest is ISO 8601 in UTC', result.stdout)

    result = session.gdbus_call(root, MANAGER + '.FindInstance', 'nothing here')
    tap.ok(result.returncode != 0 and f'GDBus.Error:{ERROR}NotFound' in result.stderr,
           'FindInstance of an unknown name fails with Error.NotFound', result.stderr)

    result = session.gdbus_call(root, MANAGER + '.CreateInstance', "{'colour': <'blue'>}")
    tap.ok(f'GDBus.Error:{ERROR}InvalidArgument: colour:' in result.stderr,
           'an unknown key is an InvalidArgument that names the key', result.stderr)

    result = session.gdbus_call(root, 'org.freedesktop.DBus.ObjectManager.GetManagedObjects')
    tap.ok("'Name': <'Bedroom'>" in result.stdout and "'HasApiKey': <true>" in result.stdout,
           'GetManagedObjects lists the instance with its properties', result.stdout)
    return path


def check_busctl(tap, session, path):
    if shutil.which('busctl') is None:
        tap.ok(True, '# SKIP busctl is not installed')
        return
    result = run(['busctl', '--user', 'call', session.app_id, session.root, MANAGER,
                  'FindInstance', 's', 'BEDROOM'])
    tap.equal(result.stdout.strip(), f'o "{path}"', 'busctl finds the instance by name',)
    result = run(['busctl', '--user', 'get-property', session.app_id, path, INSTANCE, 'Kind'])
    tap.equal(result.stdout.strip(), 's "sonarr"', 'busctl reads a property')


def check_capture(tap, capture):
    messages = split_messages(capture)
    tap.ok(len(messages) >= 20, f'the capture holds the session ({len(messages)} messages)')
    for member in ('CreateInstance', 'Update', 'TestConnection', 'GetManagedObjects',
                   'InterfacesAdded', 'PropertiesChanged'):
        tap.ok(any(f'member={member}' in m for m in messages),
               f'the capture holds {member}')

    # The calls that set the key name api-key-fd and carry a descriptor;
    # the key itself is in the pipe, not in the message.
    setters = [m for m in messages if m.startswith('method call') and
               re.search(r'member=(CreateInstance|Update)\b', m.splitlines()[0]) and
               '"api-key' in m]
    tap.equal(sorted(re.search(r'member=(\w+)', m).group(1) for m in setters),
              ['CreateInstance', 'Update'], 'a CreateInstance and an Update call set the key')
    tap.ok(all('"api-key-fd"' in m and 'file descriptor' in m and '"api-key"' not in m
               for m in setters),
           'both pass the key as api-key-fd, not as api-key', '\n'.join(setters))

    # Not in any message at all: no call, reply, signal, error or property,
    # and not in plain text to the keyring either, as text or as bytes.
    tap.equal([m.splitlines()[0] for m in messages if KEY in m], [],
              'no message of the session holds the key')
    tap.equal(capture.count(KEY), 0, 'the capture holds the key zero times')
    key_hex = KEY.encode().hex()
    tap.ok(key_hex not in re.sub(r'\s', '', capture).lower(),
           'nor its bytes in hexadecimal')


def process_ended(pid):
    """Gone, or a zombie nobody reaped (the bus's children are reparented)."""
    try:
        with open(f'/proc/{pid}/stat') as f:
            return f.read().rsplit(')', 1)[1].split()[0] == 'Z'
    except OSError:
        return True


def check_idle_exit(tap, session, pid):
    tap.ok(session.wait_for_no_owner(30), 'the service exits on its own once idle')
    gone = False
    deadline = time.monotonic() + 10
    while pid is not None and time.monotonic() < deadline:
        if process_ended(pid):
            gone = True
            break
        time.sleep(0.1)
    tap.ok(gone, 'the service process has ended')


def check_reactivation(tap, session):
    # Activated by GetManagedObjects itself: the answer must wait for the
    # instances to load instead of being an empty list.
    result = session.gdbus_call(session.root, 'org.freedesktop.DBus.ObjectManager.GetManagedObjects')
    tap.ok(f"'{session.root}/instances/1'" in result.stdout and "'Bedroom'" in result.stdout,
           'a new activation answers GetManagedObjects with the saved instance', result.stdout)


def check_launch_opens_window(tap, session, program):
    pid = session.pid()
    result = run([program], timeout=60)
    tap.equal(result.returncode, 0, 'launching the program while the service runs returns')
    tap.equal(session.pid(), pid, 'the service process stays the one on the bus')
    found = False
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not found:
        text = session.introspect(session.root).stdout
        found = 'window' in [n.get('name') for n in ET.fromstring(text).iter('node')] \
            if text else False
        time.sleep(0.2)
    tap.ok(found, 'the window opened in the service process (its actions are on the bus)')
    # The window holds the app: it outlives the idle timeout.
    time.sleep(3)
    tap.ok(session.owner() is not None, 'an open window keeps the service running')


def gdbus_call(session, path, method, *args):
    """gdbus call with a short timeout, so that a hang fails quickly."""
    return run(['gdbus', 'call', '--session', '--timeout', str(CALL_TIMEOUT_MS // 1000),
                '--dest', session.app_id, '--object-path', path, '--method', method, *args],
               timeout=30)


def private_connection():
    """A connection of its own to the session bus, with its own unique name."""
    address = Gio.dbus_address_get_for_bus_sync(Gio.BusType.SESSION, None)
    flags = (Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
             Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION)
    return Gio.DBusConnection.new_for_address_sync(address, flags, None, None)


def call_sync(connection, session, path, iface, method, reply_type):
    return connection.call_sync(session.app_id, path, iface, method, None,
                                GLib.VariantType(reply_type), Gio.DBusCallFlags.NONE,
                                CALL_TIMEOUT_MS, None).unpack()


def remote_error(error):
    """(D-Bus error name, message) of a failed call, as GDBus encodes it."""
    match = re.match(r'GDBus\.Error:([\w.]+): (.*)', error.message, re.S)
    return (match.group(1), match.group(2)) if match else (None, error.message)


def instance_settings(connection, session):
    """Path → the settings of each instance, from GetManagedObjects."""
    objects, = call_sync(connection, session, session.root, OBJECT_MANAGER, 'GetManagedObjects',
                         '(a{oa{sa{sv}}})')
    return {path: {k: ifaces.get(INSTANCE, {}).get(k) for k in
                   ('Name', 'Kind', 'Url', 'TimeoutSeconds', 'RateLimitPerMinute', 'VerifyTls')}
            for path, ifaces in objects.items()}


def bad_calls(session, url, path):
    good = f"'kind': <'sonarr'>, 'url': <'{url}'>, 'api-key': <'{OTHER_KEY}'>"
    create = MANAGER + '.CreateInstance'
    missing = f'{session.root}/instances/999'
    invalid = ERROR + 'InvalidArgument'
    # (what, path, method, arguments, error name, key the message starts with)
    return [
        ('an unknown key', session.root, create,
         [f"{{'name': <'Kitchen'>, {good}, 'colour': <'blue'>}}"], invalid, 'colour'),
        ('timeout-seconds as a string', session.root, create,
         [f"{{'name': <'Kitchen'>, {good}, 'timeout-seconds': <'30'>}}"],
         invalid, 'timeout-seconds'),
        ('rate-limit-per-minute 0', session.root, create,
         [f"{{'name': <'Kitchen'>, {good}, 'rate-limit-per-minute': <uint32 0>}}"],
         invalid, 'rate-limit-per-minute'),
        ('CreateInstance without api-key', session.root, create,
         [f"{{'name': <'Kitchen'>, 'kind': <'sonarr'>, 'url': <'{url}'>}}"], invalid, 'api-key'),
        ('a name taken in another case', session.root, create,
         [f"{{'name': <'BEDROOM'>, {good}}}"], ERROR + 'Duplicate', None),
        ('Update with timeout-seconds 301', path, INSTANCE + '.Update',
         ["{'timeout-seconds': <uint32 301>}"], invalid, 'timeout-seconds'),
        ('Update on an unknown object path', missing, INSTANCE + '.Update',
         ["{'name': <'Kitchen'>}"], UNKNOWN_METHOD, None),
        ('Delete on an unknown object path', missing, INSTANCE + '.Delete', [],
         UNKNOWN_METHOD, None),
        ('FindInstance of a missing name', session.root, MANAGER + '.FindInstance',
         ["'Kitchen'"], ERROR + 'NotFound', None),
    ]


def check_bad_calls(tap, session, url, path):
    """Each call fails with exactly its error name (gdbus prints it on
    stderr) and leaves the instances as they were."""
    connection = private_connection()
    try:
        before = instance_settings(connection, session)
        tap.equal([s['Name'] for s in before.values()], ['Bedroom'],
                  'before the bad calls, Bedroom is the only instance')
        for what, call_path, method, args, name, key in bad_calls(session, url, path):
            result = gdbus_call(session, call_path, method, *args)
            prefix = f'GDBus.Error:{name}: ' + (f'{key}: ' if key else '')
            tap.ok(result.returncode != 0 and prefix in result.stderr and
                   OTHER_KEY not in result.stderr,
                   f'{what} fails with {name}' + (f' about {key}' if key else ''),
                   f'expected: {prefix}\nexit: {result.returncode}\n' +
                   result.stdout + result.stderr)
            tap.equal(instance_settings(connection, session), before,
                      f'{what} creates and changes nothing')
    finally:
        connection.close_sync(None)


def test_connection(connection, session, path):
    """('ok', success) or ('error', name, message)."""
    try:
        result, = call_sync(connection, session, path, INSTANCE, 'TestConnection', '(a{sv})')
        return ('ok', result.get('success'))
    except GLib.Error as error:
        return ('error', *remote_error(error))


def check_rate_limit(tap, session, path):
    """One connection is one bus name: its eleventh network-bound call
    within the minute is refused; another connection is not affected."""
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    fresh = private_connection()
    try:
        # Activated, if the idle service had gone, before the count starts.
        call_sync(fresh, session, session.root, OBJECT_MANAGER, 'GetManagedObjects',
                  '(a{oa{sa{sv}}})')
        pid = session.pid()
        tap.ok(pid is not None, 'the service runs before the rate limit check')

        results = [test_connection(bus, session, path) for _ in range(CALLS_PER_MINUTE + 1)]
        tap.equal(results[:CALLS_PER_MINUTE], [('ok', True)] * CALLS_PER_MINUTE,
                  f'{CALLS_PER_MINUTE} TestConnection calls on one connection succeed')
        last = results[CALLS_PER_MINUTE]
        tap.equal(last[:2], ('error', ERROR + 'RateLimited'),
                  f'call {CALLS_PER_MINUTE + 1} fails with Error.RateLimited')
        match = re.search(r'Try again in (\d+) seconds?\.$', last[-1] or '')
        tap.ok(match is not None and 1 <= int(match.group(1)) <= 60,
               'the RateLimited message says how many seconds to wait', last)

        try:
            call_sync(bus, session, path, INSTANCE, 'CheckDrift', '(a{sv})')
            drift = None
        except GLib.Error as error:
            drift = remote_error(error)[0]
        tap.equal(drift, ERROR + 'RateLimited', 'CheckDrift shares the limit of TestConnection')

        tap.ok(fresh.get_unique_name() != bus.get_unique_name(),
               'the fresh connection has a bus name of its own')
        tap.equal(test_connection(fresh, session, path), ('ok', True),
                  'a fresh connection is not limited')
        tap.equal(session.pid(), pid, 'one service process answered all of them')
    finally:
        fresh.close_sync(None)


def read_service_file(path):
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(path)
    return dict(parser['D-BUS Service']) if parser.has_section('D-BUS Service') else {}


def check_generated_service_file(tap, session):
    """The build's service file points at the install prefix, so the test
    activates the build through a file of its own; both must agree on
    everything but the program's path."""
    generated = os.path.join(session.schema_dir, session.app_id + '.service')
    tap.ok(os.path.isfile(generated), 'the build generates the service file', generated)
    if not os.path.isfile(generated):
        return
    copy = os.path.join(session.tmp, 'generated.service')
    shutil.copyfile(generated, copy)
    built = read_service_file(copy)
    installed = read_service_file(session.service_file)

    tap.equal(built.get('Name'), session.app_id, 'the generated Name= is the application ID')
    exec_line = built.get('Exec', '')
    tap.ok(exec_line.endswith('/vibe-quality-searcharr --gapplication-service'),
           'the generated Exec= runs vibe-quality-searcharr --gapplication-service', exec_line)
    program, _, arguments = exec_line.partition(' ')
    tap.ok(os.path.isabs(program) and
           os.path.basename(program) == os.path.basename(session.program),
           'the generated Exec= names the program the test activates, by absolute path',
           exec_line)
    tap.equal(installed.get('Name'), built.get('Name'),
              "the test's service file uses the generated Name=")
    tap.ok(f' {session.program} {arguments} ' in installed.get('Exec', ''),
           "the test's service file passes the generated arguments to the build's program",
           installed.get('Exec'))


def body(tap, session, ctl):
    url = session.start_fake()
    tap.ok(url.startswith('http://127.0.0.1:'), 'the fake Sonarr listens', url)
    tap.ok(session.install_service(timeout_ms=1500), 'the service file is installed')
    check_generated_service_file(tap, session)

    capture_path = os.path.join(session.tmp, 'monitor.txt')
    monitor, output = start_monitor(tap, capture_path)
    try:
        path = check_activation_and_calls(tap, session, ctl, url)
        check_busctl(tap, session, path)
    finally:
        time.sleep(0.5)
        monitor.terminate()
        monitor.wait(10)
        output.close()
    with open(capture_path, errors='replace') as f:
        check_capture(tap, f.read())

    check_bad_calls(tap, session, url, path)
    check_rate_limit(tap, session, path)
    # The idle service may have exited and been started again meanwhile.
    session.activated_pid = session.pid() or session.activated_pid

    check_idle_exit(tap, session, session.activated_pid)
    check_reactivation(tap, session)
    check_launch_opens_window(tap, session, session.program)


if __name__ == '__main__':
    sys.exit(main(body))
