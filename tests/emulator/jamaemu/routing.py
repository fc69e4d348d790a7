"""A small HTTP/1.1 router over the standard library's threading server.

Every request passes the same pipeline: route, rate limit, injected faults, handler, request log.
Any failure is answered in Jama's error envelope; a stack trace never reaches the client.
"""
import json
import re
import socket
import ssl
import sys
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from .envelope import ApiError, Reply, reason

MAX_BODY_BYTES = 1024 * 1024
DRAIN_LIMIT_BYTES = 16 * 1024 * 1024


class Request:
    def __init__(self, method, path, query, headers, raw_body):
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.raw_body = raw_body
        self.params = {}
        self.operation = None
        # Filled in by authentication, for the request log. Never a secret.
        self.user = None
        self.auth = None

    def json(self):
        """The body as a JSON object, or a 400 in the envelope."""
        if not self.raw_body:
            raise ApiError(400, 'A JSON request body is required')
        try:
            value = json.loads(self.raw_body.decode('utf-8'))
        except (UnicodeDecodeError, ValueError):
            raise ApiError(400, 'The request body is not valid JSON') from None
        if not isinstance(value, dict):
            raise ApiError(400, 'The request body must be a JSON object')
        try:
            # JSON escapes can smuggle in lone surrogates, which are not text: refuse them up front.
            json.dumps(value, ensure_ascii=False).encode('utf-8')
        except UnicodeEncodeError:
            raise ApiError(400, 'The request body holds invalid Unicode (a lone surrogate)') from None
        return value

    def form(self):
        try:
            return dict(parse_qsl(self.raw_body.decode('utf-8'), keep_blank_values=True))
        except UnicodeDecodeError:
            raise ApiError(400, 'The form body is not valid UTF-8') from None


class Route:
    def __init__(self, method, pattern, operation, func):
        self.method = method
        self.regex = re.compile('^' + re.sub(r'\{(\w+)\}', r'(?P<\1>[^/]+)', pattern) + '$')
        self.operation = operation
        self.func = func


class App:
    """One emulated system: its routes plus the shared context (store, faults, log)."""

    system = None
    rate_limited = False

    def __init__(self, context):
        self.context = context
        self.routes = []

    def route(self, method, pattern, operation, func):
        self.routes.append(Route(method, pattern, operation, func))

    def match(self, method, path):
        allowed = False
        for route in self.routes:
            found = route.regex.match(path)
            if found:
                if route.method == method:
                    return route, found.groupdict()
                allowed = True
        if allowed:
            methods = sorted({route.method for route in self.routes if route.regex.match(path)})
            raise ApiError(405, 'Method %s is not allowed on %s' % (method, path),
                           headers={'Allow': ', '.join(methods)})
        raise ApiError(404, 'No resource at %s' % path)


class DropConnection(Exception):
    """Raised by a fault to close the connection without an answer."""


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'JamaEmulator'
    sys_version = ''
    # Idle keep-alive connections are closed after this many seconds.
    timeout = 30
    # Headers and body go out in two writes; with Nagle on, a keep-alive client waits ~40 ms for each answer.
    disable_nagle_algorithm = True

    def setup(self):
        super().setup()
        if isinstance(self.request, ssl.SSLSocket):
            # The handshake runs here, in the connection's own thread, so a slow or failing client
            # never stalls the accept loop.
            self.request.do_handshake()

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        # The structured request log replaces the default access log on stderr.
        pass

    def _dispatch(self):
        app = self.server.app
        split = urlsplit(self.path)
        request = Request(self.command, split.path, dict(parse_qsl(split.query, keep_blank_values=True)), self.headers, b'')
        try:
            reply = self._handle(app, request)
        except DropConnection:
            app.context.log_request(app.system, request, 0)
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        except ApiError as error:
            reply = Reply(error.status, error.body(), error.headers)
        except Exception:  # pylint: disable=broad-except
            traceback.print_exc(file=sys.stderr)
            reply = Reply(500, ApiError(500, 'Internal error in the emulator').body())
        # Logged before the answer is written, so a client that reads the log right after its call sees it.
        app.context.log_request(app.system, request, reply.status)
        self._write(reply)

    def _handle(self, app, request):
        length = int(self.headers.get('Content-Length') or 0)
        if length > MAX_BODY_BYTES:
            # Drain a moderately large body so the client can read the answer; past that, just hang up.
            self.close_connection = True
            if length <= DRAIN_LIMIT_BYTES:
                while length > 0:
                    chunk = self.rfile.read(min(length, 65536))
                    if not chunk:
                        break
                    length -= len(chunk)
            raise ApiError(413, 'The request body exceeds %d bytes' % MAX_BODY_BYTES)
        request.raw_body = self.rfile.read(length) if length else b''
        route, params = app.match(request.method, request.path)
        request.params = params
        request.operation = route.operation
        if app.rate_limited:
            app.context.rate_limiter.check()
        app.context.faults.apply(app.system, route.operation)
        reply = route.func(request)
        app.context.faults.apply(app.system, route.operation, when='after')
        return reply

    def _write(self, reply):
        payload = b''
        if reply.body is not None:
            payload = json.dumps(reply.body).encode('utf-8')
        self.send_response(reply.status, reason(reply.status))
        if reply.body is not None:
            self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(payload)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header('Connection', 'close')
        self.end_headers()
        if payload and self.command != 'HEAD':
            self.wfile.write(payload)

    def date_time_string(self, timestamp=None):
        # The Date header follows the emulator's clock (admin POST /clock), as a server's Date follows its own
        # clock: the collection computes credentials' ages against Jama's Date, so tests age them this way.
        if timestamp is None:
            timestamp = self.server.app.context.store.now()
        return super().date_time_string(timestamp)

    def send_error(self, code, message=None, explain=None):
        # Protocol-level errors (a bad request line, an unknown method) also use the JSON envelope.
        self.close_connection = True
        self._write(Reply(code, ApiError(code, message or reason(code)).body()))

    def __getattr__(self, name):
        # Every method, declared or not (TRACE, QUERY...), reaches the router, which answers 405 with Allow.
        if name.startswith('do_'):
            return self._dispatch
        raise AttributeError(name)


class AppServer(ThreadingHTTPServer):
    daemon_threads = True
    # The socket backlog must absorb bursts of concurrent clients in the benchmark.
    request_queue_size = 128

    def __init__(self, app, tls_context=None):
        # [brief] Servers bind only to 127.0.0.1.
        super().__init__(('127.0.0.1', 0), Handler)
        self.app = app
        if tls_context is not None:
            self.socket = tls_context.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)

    def handle_error(self, request, client_address):
        # A client that rejects our certificate or hangs up is expected in tests: no noise.
        error = sys.exc_info()[1]
        if isinstance(error, (ssl.SSLError, ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)

    @property
    def port(self):
        return self.server_address[1]
