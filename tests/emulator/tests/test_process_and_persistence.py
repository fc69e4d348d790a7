import json
import os
import stat
import subprocess
import sys
import time

import requests

from jamaemu import harness
from jamaemu.pytest_plugin import start_emulator, stop_emulator
from helpers import JCI_ADMIN, SERVICE, create_credential


def test_plain_http_is_available_on_request(emulator_factory):
    plain = emulator_factory('--http')
    assert plain.jama_url.startswith('http://127.0.0.1:') and plain.ca_file is None
    assert requests.get(plain.jama_url + '/rest/v1/users/current', auth=SERVICE, timeout=5).status_code == 200


def test_https_is_the_default_and_needs_the_ca(emulator):
    assert emulator.jama_url.startswith('https://127.0.0.1:')
    try:
        requests.get(emulator.jama_url + '/rest', timeout=5)
    except requests.exceptions.SSLError:
        pass
    else:
        raise AssertionError('the emulator certificate must not be trusted without its CA file')


def test_servers_bind_only_to_loopback(emulator):
    for url in (emulator.jama_url, emulator.jci_url, emulator.admin_url):
        assert url.split('//')[1].startswith('127.0.0.1:')


def test_info_file_names_urls_ca_and_admin(emulator):
    with open(os.path.join(emulator.workdir, 'emulator.json'), encoding='utf-8') as handle:
        info = json.load(handle)
    assert set(info) >= {'jama_url', 'jci_url', 'admin_url', 'ca_file', 'pid'}
    assert info['pid'] == emulator.pid


def test_state_file_survives_a_restart_and_is_private(tmp_path):
    state = str(tmp_path / 'state.json')
    first = start_emulator(['--state-file', state])
    try:
        cred = create_credential(first)
    finally:
        stop_emulator(first)
    assert stat.S_IMODE(os.stat(state).st_mode) == 0o600
    second = start_emulator(['--state-file', state])
    try:
        listed = second.jama('GET', '/rest/v1/users/current/apicredentials', auth=SERVICE).json()['data']
        assert [item['clientId'] for item in listed] == [cred['clientId']]
    finally:
        stop_emulator(second)


def test_stop_by_pid_leaves_nothing_running(tmp_path):
    handle = start_emulator()
    pid = handle.pid
    stop_emulator(handle)
    assert not os.path.exists('/proc/%d' % pid) or open('/proc/%d/stat' % pid).read().split()[2] == 'Z'
    assert not os.path.exists(os.path.join(handle.workdir, 'emulator.json'))


def test_start_reports_a_failing_emulator(tmp_path):
    try:
        harness.start(str(tmp_path), ['--seed', str(tmp_path / 'missing.json')])
    except harness.EmulatorError as error:
        assert 'exited' in str(error)
    else:
        raise AssertionError('start must fail when the emulator cannot start')


def test_emulator_stops_when_its_parent_is_gone(tmp_path):
    parent = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])  # pylint: disable=consider-using-with
    info = harness.start(str(tmp_path), ['--parent-pid', str(parent.pid)])
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and harness.alive(info['pid']):
        time.sleep(0.1)
    assert not harness.alive(info['pid'])
    harness.stop(str(tmp_path))


def test_the_emulator_prints_the_seeded_logins_it_serves(tmp_path):
    """make emulator runs it in the foreground with --show-logins: a new user reads the logins there, not in
    seed.json. Without the flag (the harnesses' logs) no password is printed: the leak checks scan those logs."""
    log = tmp_path / 'out.log'
    info = harness.start(str(tmp_path), ['--parent-pid', str(os.getpid()), '--show-logins'], log_path=str(log))
    try:
        deadline = time.monotonic() + 10
        while 'Connection details written' not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)  # polls the log for the emulator's last start-up line, bounded
        printed = log.read_text()
        for system, auth in (('Jama', SERVICE), ('JCI', JCI_ADMIN)):
            line = next(line for line in printed.splitlines() if line.split()[:2] == [system, auth[0]])
            assert auth[1] in line.split()
        quiet = tmp_path / 'quiet'
        harness.start(str(quiet), ['--parent-pid', str(os.getpid())])
        harness.stop(str(quiet))
        assert 'Connection details written' in (quiet / 'emulator.log').read_text()
        assert SERVICE[1] not in (quiet / 'emulator.log').read_text()
        # The printed login works against the server it names.
        assert requests.get(info['jama_url'] + '/rest/v1/users/current', auth=SERVICE, verify=info['ca_file'],
                            timeout=5).status_code == 200
    finally:
        harness.stop(str(tmp_path))
