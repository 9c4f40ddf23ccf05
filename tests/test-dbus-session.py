#!/usr/bin/python3
# Copyright 2026 The Vibe Quality Searcharr authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The D-Bus face of the real program, as any client sees it: the session
# bus starts it from a service file (D-Bus activation), gdbus and busctl
# talk to it, dbus-monitor records a whole session in which the API key
# may only ever travel inside the two calls that set it, and the service
# exits on its own once idle. Launching the program while the service runs
# opens the window in that same process.
#
# usage: test-dbus-session.py PROGRAM SEARCHARRCTL FAKE_ARR APP_ID SCHEMA_DIR

import os
import re
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

from vqs_bus_session import KEY, main, run

MANAGER = 'io.github.vibequality.Searcharr.Manager1'
INSTANCE = 'io.github.vibequality.Searcharr.Instance1'
ERROR = 'io.github.vibequality.Searcharr.Error.'
SOURCE_XML = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'data', 'dbus')


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


def check_activation_and_calls(tap, session, url):
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

    settings = (f"{{'name': <'Living room'>, 'kind': <'sonarr'>, 'url': <'{url}'>, "
                f"'api-key': <'{KEY}'>, 'rate-limit-per-minute': <uint32 600>}}")
    result = session.gdbus_call(root, MANAGER + '.CreateInstance', settings)
    tap.equal(result.stdout.strip(), f"(objectpath '{root}/instances/1',)",
              'CreateInstance answers the new object path')
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

    result = session.gdbus_call(path, INSTANCE + '.Update',
                                f"{{'name': <'Bedroom'>, 'api-key': <'{KEY}'>}}")
    tap.equal((result.returncode, result.stdout.strip()), (0, '()'), 'Update answers ()')

    result = session.gdbus_call(path, INSTANCE + '.TestConnection')
    tap.ok(result.returncode == 0 and "'success': <true>" in result.stdout and
           "'version': <'4.0.19.2979'>" in result.stdout,
           'TestConnection reports success and the version', result.stdout + result.stderr)

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
    for member in ('CreateInstance', 'Update', 'TestConnection', 'GetManagedObjects',
                   'InterfacesAdded', 'PropertiesChanged'):
        tap.ok(any(f'member={member}' in m for m in messages),
               f'the capture holds {member}')

    # The key travels in exactly the two calls that set it, and nowhere
    # else: no reply, signal, error or property, and not in plain text to
    # the keyring either.
    with_key = [m for m in messages if KEY in m]
    setters = [m for m in with_key if m.startswith('method call') and
               re.search(r'member=(CreateInstance|Update)\b', m.splitlines()[0])]
    tap.equal(len(setters), 2, 'the key is in the CreateInstance and Update calls')
    tap.equal(len(with_key) - len(setters), 0,
              'the key is in no other message of the session')
    tap.equal(capture.count(KEY), 2, 'the capture holds the key exactly twice')


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


def body(tap, session, ctl):
    url = session.start_fake()
    tap.ok(url.startswith('http://127.0.0.1:'), 'the fake Sonarr listens', url)
    tap.ok(session.install_service(timeout_ms=1500), 'the service file is installed')

    capture_path = os.path.join(session.tmp, 'monitor.txt')
    monitor, output = start_monitor(tap, capture_path)
    try:
        path = check_activation_and_calls(tap, session, url)
        check_busctl(tap, session, path)
    finally:
        time.sleep(0.5)
        monitor.terminate()
        monitor.wait(10)
        output.close()
    with open(capture_path, errors='replace') as f:
        check_capture(tap, f.read())

    check_idle_exit(tap, session, session.activated_pid)
    check_reactivation(tap, session)
    check_launch_opens_window(tap, session, session.program)


if __name__ == '__main__':
    sys.exit(main(body))
