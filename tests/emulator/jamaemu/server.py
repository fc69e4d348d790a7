"""Starts Jama Connect, JCI, the automation controller and the admin endpoint as four servers on 127.0.0.1."""
import collections
import json
import os
import tempfile
import threading
import time

from .admin_app import AdminApp
from .controller_app import ControllerApp
from .faults import FaultBook, RateLimiter
from .jama_app import JamaApp
from .jama_probe import TokenCache
from .jci_app import JciApp
from .routing import AppServer
from .state import Store

INFO_FILE = 'emulator.json'
REQUEST_LOG_SIZE = 20000


class Context:
    """What every app shares: the state, the faults, the rate limiter, the request log and the access tokens JCI
    holds for its connectors."""

    def __init__(self, store, rate_limit):
        self.store = store
        self.jci_tokens = TokenCache()
        self.faults = FaultBook()
        self.rate_limiter = RateLimiter(rate_limit)
        self.ca_file = None
        self._log = collections.deque(maxlen=REQUEST_LOG_SIZE)
        self._log_lock = threading.Lock()
        self._seq = 0

    def log_request(self, system, request, status):
        """Method, path, status and user only: never a header, a body or a query string."""
        if system == 'admin':
            return
        with self._log_lock:
            self._seq += 1
            self._log.append({'seq': self._seq, 'time': time.time(), 'system': system,
                              'operation': request.operation, 'method': request.method, 'path': request.path,
                              'status': status, 'user': request.user, 'auth': request.auth,
                              'agent': (request.headers.get('User-Agent') or '')[:80]})

    def requests(self, system=None):
        with self._log_lock:
            return [dict(entry) for entry in self._log if system in (None, entry['system'])]

    def clear_requests(self):
        with self._log_lock:
            self._log.clear()


class Emulator:
    def __init__(self, workdir, seed, tls=True, token_ttl=3599, rate_limit=10, state_file=None,
                 legacy_token_response=False):
        self.workdir = workdir
        self.tls = tls
        self.context = Context(Store(seed, state_file=state_file, token_ttl=token_ttl), rate_limit)
        self.legacy_token_response = legacy_token_response
        self.servers = []
        self.threads = []

    def start(self):
        os.makedirs(self.workdir, exist_ok=True)
        tls_context = None
        if self.tls:
            from .tls import make_server_context  # pylint: disable=import-outside-toplevel
            tls_context, self.context.ca_file = make_server_context(self.workdir)
        jama = AppServer(JamaApp(self.context, self.legacy_token_response), tls_context)
        jci = AppServer(JciApp(self.context), tls_context)
        controller = AppServer(ControllerApp(self.context), tls_context)
        admin = AppServer(AdminApp(self.context))
        self.servers = [jama, jci, controller, admin]
        for server in self.servers:
            thread = threading.Thread(target=server.serve_forever, kwargs={'poll_interval': 0.2}, daemon=True)
            thread.start()
            self.threads.append(thread)
        scheme = 'https' if self.tls else 'http'
        info = {'jama_url': '%s://127.0.0.1:%d' % (scheme, jama.port),
                'jci_url': '%s://127.0.0.1:%d' % (scheme, jci.port),
                'controller_url': '%s://127.0.0.1:%d' % (scheme, controller.port),
                'admin_url': 'http://127.0.0.1:%d' % admin.port,
                'ca_file': self.context.ca_file, 'pid': os.getpid(), 'tls': self.tls}
        # Written last and atomically: a reader that finds the file finds listening servers.
        fd, tmp = tempfile.mkstemp(prefix='.emulator-', dir=self.workdir)
        with os.fdopen(fd, 'w', encoding='utf-8') as handle:
            json.dump(info, handle, indent=2)
        os.replace(tmp, self.info_path)
        return info

    @property
    def info_path(self):
        return os.path.join(self.workdir, INFO_FILE)

    def stop(self):
        for server in self.servers:
            server.shutdown()
            server.server_close()
        if os.path.exists(self.info_path):
            os.unlink(self.info_path)
