"""The pytest fixtures every test suite of the project uses to run the emulator.

``emulator_process`` is one emulator per test session (HTTPS, Jama's documented rate limit), stopped by PID
at the end, pass or fail. ``emulator`` hands each test that process reset to its seed, with no faults,
an empty request log and the rate limit off unless the test turns it on.
"""
import os
import tempfile

import pytest
import requests

from . import harness
from .accounts import CONTROLLER_ADMIN, JCI_ADMIN


class EmulatorHandle:
    def __init__(self, info, workdir):
        self.info = info
        self.workdir = workdir
        self.jama_url = info['jama_url']
        self.jci_url = info['jci_url']
        self.controller_url = info['controller_url']
        self.admin_url = info['admin_url']
        self.ca_file = info['ca_file']
        self.pid = info['pid']
        self.session = requests.Session()

    def admin(self, method, path, json=None):
        response = self.session.request(method, self.admin_url + path, json=json, timeout=10)
        response.raise_for_status()
        return response.json()['data'] if response.content else None

    def reset(self, rate_limit=0):
        self.admin('POST', '/reset')
        self.admin('PUT', '/ratelimit', {'perSecond': rate_limit})

    def request_log(self, system=None):
        return self.admin('GET', '/requests' + ('?system=%s' % system if system else ''))

    def fault(self, **spec):
        return self.admin('POST', '/faults', spec)

    def advance_clock(self, seconds):
        return self.admin('POST', '/clock', {'seconds': seconds})

    def jama(self, method, path, auth=None, **kwargs):
        """A call to the Jama emulator, trusting its CA."""
        return self.session.request(method, self.jama_url + path, auth=auth, verify=self.ca_file, timeout=10,
                                    **kwargs)

    def jci(self, method, path, auth=JCI_ADMIN, **kwargs):
        return self.session.request(method, self.jci_url + path, auth=auth, verify=self.ca_file, timeout=10,
                                    **kwargs)

    def controller(self, method, path, auth=CONTROLLER_ADMIN, **kwargs):
        return self.session.request(method, self.controller_url + path, auth=auth, verify=self.ca_file, timeout=10,
                                    **kwargs)


def start_emulator(options=()):
    workdir = tempfile.mkdtemp(prefix='jamaemu-')
    # The emulator also stops by itself once this process is gone, even after a SIGKILL.
    info = harness.start(workdir, list(options) + ['--parent-pid', str(os.getpid())])
    return EmulatorHandle(info, workdir)


def stop_emulator(handle):
    handle.session.close()
    harness.stop(handle.workdir)


# ansible-test runs each unit test in a forked child, where a session fixture would start an emulator per
# test and never stop it (the child leaves with os._exit). So the shared emulator is started by the pytest
# process itself, once collection shows a test needs it, and stopped when the session finishes.
_SHARED = {}


def pytest_collection_modifyitems(session, config, items):
    if not _SHARED and any('emulator' in getattr(item, 'fixturenames', ()) for item in items):
        _SHARED['handle'] = start_emulator()


def pytest_sessionfinish(session, exitstatus):
    handle = _SHARED.pop('handle', None)
    if handle is not None:
        stop_emulator(handle)


@pytest.fixture(scope='session')
def emulator_process():
    if 'handle' not in _SHARED:
        _SHARED['handle'] = start_emulator()
    return _SHARED['handle']


@pytest.fixture
def emulator(emulator_process):  # pylint: disable=redefined-outer-name
    emulator_process.reset()
    return emulator_process


@pytest.fixture
def emulator_factory():
    """Start extra emulators with their own options (plain HTTP, legacy tokens, a state file...)."""
    started = []

    def factory(*options):
        handle = start_emulator(options)
        started.append(handle)
        return handle

    yield factory
    for handle in started:
        stop_emulator(handle)
