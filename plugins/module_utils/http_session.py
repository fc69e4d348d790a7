# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One HTTP session per task, on requests: TLS, timeouts, the retry policy, authentication, typed errors.

This is the only place that knows the retry policy. It never retries 401 or 403: a retried failed login is
what locks Jama service accounts (10 failures in 5 minutes lock an account for 30 minutes).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random
import re
import traceback

from ansible_collections.jama.connect.plugins.module_utils import errors

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
    Retry = object
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None

USER_AGENT = 'jama.connect-ansible-collection'

# The retry policy, as data.
# 429: Jama's documented throttle (10 calls/s per environment). The call was refused before it ran, so it is
#      safe to repeat for every method.
# 502, 503, 504: a proxy or a restarting node. Repeated only for idempotent methods: a POST may have run.
# Jama asks for exponential backoff of 3, 5, 8 and 13 seconds and documents no Retry-After; a Retry-After
# header, where a proxy sends one, wins. After the fourth wait the 13 s step repeats, up to STATUS_RETRIES
# tries: environments that share one Jama share its 10 calls/s, and four tries were measured to starve one of
# twenty such environments now and then (benchmarks/role_vs_uri.py).
# A refused or timed-out connection is tried twice more after 1 and 2 seconds (nothing was sent, so any
# method is safe). TLS failures and anything else are never retried: they do not heal in seconds.
RETRY_STATUSES = (429, 502, 503, 504)
BACKOFF_SECONDS = (3, 5, 8, 13)
STATUS_RETRIES = 6
# A Retry-After longer than this (seconds; the retry_after_max option) is not waited for: the task fails at once
# and says so, instead of stalling a run for as long as a proxy asks.
RETRY_AFTER_MAX = 60
CONNECT_RETRIES = 2
CONNECT_BACKOFF_SECONDS = (1, 2)
# Up to this much is added to a wait at random, so environments that share one Jama (one 10 calls/s budget) and
# were throttled together do not all come back at the same moment.
JITTER_FRACTION = 0.25


def jittered(seconds):
    return seconds * (1 + random.uniform(0, JITTER_FRACTION))


def throttle_waits():
    """The waits before each retry of a throttled call, before jitter: 3, 5, 8, 13, then 13 again."""
    return tuple(BACKOFF_SECONDS[min(index, len(BACKOFF_SECONDS) - 1)] for index in range(STATUS_RETRIES))


class RetryAfterTooLong(Exception):
    def __init__(self, seconds, limit):
        super(RetryAfterTooLong, self).__init__('Retry-After %s s is over the limit of %s s' % (seconds, limit))
        self.seconds = seconds
        self.limit = limit


class JamaRetry(Retry):
    """urllib3's Retry with Jama's backoff schedule (with jitter), 429 retried for every method, and a cap on
    Retry-After."""

    # Not urllib3's own retry_after_max (2.x), which silently shortens a long wait instead of refusing it.
    retry_after_cap = RETRY_AFTER_MAX

    def new(self, **kw):
        fresh = super(JamaRetry, self).new(**kw)
        fresh.retry_after_cap = self.retry_after_cap
        return fresh

    def sleep_for_retry(self, response=None):
        # urllib3 parses the header (delta-seconds or an HTTP date, never below 0); None when there is none.
        asked = self.get_retry_after(response) if response is not None else None
        if asked is not None and asked > self.retry_after_cap:
            raise RetryAfterTooLong(asked, self.retry_after_cap)
        return super(JamaRetry, self).sleep_for_retry(response)

    def get_backoff_time(self):
        attempts = len(self.history)
        if attempts == 0:
            return 0
        if self.history[-1].status is None:
            failures = [entry for entry in self.history if entry.status is None]
            return CONNECT_BACKOFF_SECONDS[min(len(failures), len(CONNECT_BACKOFF_SECONDS)) - 1]
        statuses = [entry for entry in self.history if entry.status is not None]
        return jittered(BACKOFF_SECONDS[min(len(statuses), len(BACKOFF_SECONDS)) - 1])

    def is_retry(self, method, status_code, has_retry_after=False):
        if status_code == 429 and status_code in (self.status_forcelist or ()):
            return True
        return super(JamaRetry, self).is_retry(method, status_code, has_retry_after)


def retrying_adapter(max_retries=STATUS_RETRIES, retry_after_max=RETRY_AFTER_MAX):
    """A requests transport adapter with the retry policy, for an ApiSession or a client library's own session."""
    return HTTPAdapter(max_retries=retry_policy(max_retries, retry_after_max))


def retried(response, method, path):
    """The retries urllib3 made before ``response``, as a task's result reports them."""
    history = getattr(getattr(response.raw, 'retries', None), 'history', None) or ()
    return [{'method': method, 'path': path, 'status': entry.status,
             'error': type(entry.error).__name__ if entry.error else None} for entry in history]


def retry_policy(max_retries=STATUS_RETRIES, retry_after_max=RETRY_AFTER_MAX):
    policy = JamaRetry(total=max_retries + CONNECT_RETRIES, connect=CONNECT_RETRIES, read=0, other=0,
                       status=max_retries, redirect=0, status_forcelist=RETRY_STATUSES,
                       respect_retry_after_header=True, raise_on_status=False)
    policy.retry_after_cap = retry_after_max
    return policy


# state: the role's record of unfinished work in a controller credential, which may hold a pending client secret.
SECRET_FIELD = re.compile(r'secret|password|token|state', re.IGNORECASE)


def server_message(response, field_errors=False):
    """Jama's ``meta.message`` (or an OAuth ``error_description``) from an error answer, if any. With
    ``field_errors`` (the automation controller), also its ``detail`` or its field errors
    (``{"name": ["This field is required."]}``), with any secret-named field's text left out."""
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    meta = body.get('meta')
    if isinstance(meta, dict) and meta.get('message'):
        return meta['message']
    if field_errors and isinstance(body.get('detail'), str):
        return body['detail']
    if field_errors and 'meta' not in body and 'error' not in body and body:
        return '; '.join('%s: %s' % (field, _field_errors(field, value)) for field, value in sorted(body.items()))
    return body.get('error_description') or body.get('error')


def _field_errors(field, value):
    if SECRET_FIELD.search(str(field)):
        return '(refused; the text is not shown, it may hold the value)'
    if isinstance(value, list):
        return ' '.join(str(item) for item in value)
    if isinstance(value, dict):
        return '; '.join('%s: %s' % (key, _field_errors(key, item)) for key, item in sorted(value.items()))
    return str(value)


class ApiSession:
    """Calls one system's API with keep-alive, TLS settings, timeouts and retries.

    ``auth`` is a ``(username, password)`` pair, a ``TokenProvider``, a static bearer token, or None.
    """

    def __init__(self, base_url, auth=None, validate_certs=True, ca_path=None, timeout=30, max_retries=STATUS_RETRIES,
                 retry_after_max=RETRY_AFTER_MAX):
        self.base_url = base_url.rstrip('/')
        self.timeout = timeout
        self.verify = ca_path if (validate_certs and ca_path) else bool(validate_certs)
        self.retries = []
        self.http = requests.Session()
        self.http.headers['User-Agent'] = USER_AGENT
        adapter = retrying_adapter(max_retries, retry_after_max)
        self.http.mount('http://', adapter)
        self.http.mount('https://', adapter)
        self.auth = auth
        # The automation controller answers errors as {"detail": ...} or field errors; Jama and JCI do not.
        self.field_errors = False
        # Hints naming this connection's own options ('tls', 'auth'); the error classes' generic ones otherwise.
        self.hints = {}
        self.server_date = None

    def close(self):
        self.http.close()

    def _send(self, method, url, auth_header=None, **kwargs):
        headers = kwargs.pop('headers', {})
        if auth_header:
            headers['Authorization'] = auth_header
        try:
            response = self.http.request(method, url, headers=headers, timeout=self.timeout, verify=self.verify,
                                         allow_redirects=False, **kwargs)
        except RetryAfterTooLong as error:
            raise errors.RateLimitedError('%s %s: %s answered 429 and asked to wait %s s (Retry-After), more than '
                                          'retry_after_max (%s s)' % (method, _path(url, self.base_url), self.base_url,
                                                                      int(error.seconds), error.limit), status=429,
                                          hint='run again later, or raise retry_after_max to wait that long')
        except requests.exceptions.SSLError as error:
            raise errors.TlsError('TLS verification failed for %s: %s' % (self.base_url, _reason(error)),
                                  hint=self.hints.get('tls'))
        except requests.exceptions.Timeout:
            where = _path(url, self.base_url)
            raise errors.TransportError('%s %s: %s did not answer within %s seconds; if the call changes something, the '
                                        'server may have done it' % (method, where, self.base_url, self.timeout),
                                        details={'answer_lost': True})
        except requests.exceptions.ConnectionError as error:
            if _dropped(error):
                raise errors.TransportError('%s %s: %s closed the connection after receiving the request, without an '
                                            'answer (nothing was retried); if the call changes something, the server '
                                            'may have done it' % (method, _path(url, self.base_url), self.base_url),
                                            details={'answer_lost': True})
            raise errors.TransportError('Cannot connect to %s: %s' % (self.base_url, _reason(error)))
        except requests.exceptions.RequestException as error:
            raise errors.ConfigurationError('Invalid request to %s: %s' % (self.base_url, _reason(error)))
        except (OSError, ValueError, OverflowError) as error:
            # What requests and urllib3 let escape for bad local settings (a CA bundle that cannot be read, a
            # timeout out of range): a clear message instead of a traceback.
            detail = str(error).splitlines()[0][:300] if str(error) else ''
            raise errors.ConfigurationError('Cannot call %s: %s: %s' % (self.base_url, type(error).__name__, detail))
        # The server's clock (RFC 7231 Date), against which the engine ages credentials the server dated.
        self.server_date = response.headers.get('Date') or self.server_date
        self.retries.extend(retried(response, method, url[len(self.base_url):].split('?')[0]))
        return response

    def request(self, method, path, expect=(200, 201, 204), **kwargs):
        """Send a request and return the parsed JSON body (None for an empty body).

        With a TokenProvider, an expired token is renewed once and the call repeated once.
        """
        url = self.base_url + path
        auth_header = None
        basic = None
        if isinstance(self.auth, tuple):
            basic = self.auth
        elif self.auth is not None:
            auth_header = 'Bearer ' + self.auth.token(self)
        response = self._send(method, url, auth_header=auth_header, auth=basic, **kwargs)
        if response.status_code == 401 and isinstance(self.auth, TokenProvider) and self.auth.renewable:
            self.auth.invalidate()
            response = self._send(method, url, auth_header='Bearer ' + self.auth.token(self), **kwargs)
        return self.parse(response, expect)

    def parse(self, response, expect):
        if response.status_code in expect:
            if not response.content:
                return None
            try:
                return response.json()
            except ValueError:
                raise errors.ApiError('%s answered %d with a body that is not JSON'
                                      % (self.base_url, response.status_code), status=response.status_code)
        message = server_message(response, self.field_errors)
        error_class = errors.classify(response.status_code, message)
        text = '%s %s answered %d %s' % (
            response.request.method, _path(response.url, self.base_url), response.status_code, response.reason)
        if message:
            text += ': %s' % message
        if response.status_code == 429 and self.retries:
            text += ' (after %d retries)' % len(self.retries)
        hint = self.hints.get('auth') if issubclass(error_class, errors.AuthenticationError) else None
        raise error_class(text, status=response.status_code, server_message=message,
                          hint=hint or _situational_hint(error_class, oauth=not isinstance(self.auth, tuple)))


class TokenProvider:
    """OAuth client-credentials tokens from Jama's documented token endpoint, fetched lazily and renewed
    once on expiry. A static token (``static_token``) is used as given and never renewed."""

    def __init__(self, token_path='/rest/oauth/token', client_id=None, client_secret=None, static_token=None):
        self.token_path = token_path
        self.client_id = client_id
        self.client_secret = client_secret
        self.access_token = static_token
        self.renewable = static_token is None
        self.expires_in = None
        self.token_type = None

    def invalidate(self):
        self.access_token = None

    def token(self, session):
        if self.access_token is None:
            self.fetch(session)
        return self.access_token

    def fetch(self, session):
        response = session._send('POST', session.base_url + self.token_path,
                                 data={'grant_type': 'client_credentials'},
                                 auth=(self.client_id, self.client_secret))
        if response.status_code != 200:
            message = server_message(response)
            error_class = errors.classify(response.status_code, message)
            if error_class is errors.AuthenticationError:
                error_class = errors.TokenError
            raise error_class('The OAuth token request to %s answered %d %s%s'
                              % (session.base_url, response.status_code, response.reason,
                                 ': %s' % message if message else ''),
                              status=response.status_code, server_message=message,
                              hint=_situational_hint(error_class, oauth=True))
        try:
            body = response.json()
            access_token = body['access_token']
        except (ValueError, KeyError, TypeError):
            raise errors.TokenError('The OAuth token answer from %s holds no access_token' % session.base_url)
        # Jama answered token_type 'bearer' before July 2024 and 'Bearer' since: compare without case, and
        # ignore any other field.
        token_type = str(body.get('token_type', 'Bearer'))
        if token_type.lower() != 'bearer':
            raise errors.TokenError('The OAuth token answer from %s has token_type %r, not Bearer'
                                    % (session.base_url, token_type))
        self.access_token = access_token
        self.expires_in = body.get('expires_in')
        self.token_type = token_type
        return access_token


def _situational_hint(error_class, oauth):
    """The hint worded for how the caller authenticated, where the two differ; None keeps the class's hint."""
    return getattr(error_class, 'oauth_hint', None) if oauth else None


def _dropped(error):
    """Whether the connection was made and the request sent, then closed without an answer."""
    cause = error
    seen = 0
    while cause is not None and seen < 10:
        if type(cause).__name__ in ('RemoteDisconnected', 'ProtocolError', 'ConnectionResetError', 'IncompleteRead'):
            return True
        if type(cause).__name__ in ('NewConnectionError', 'ConnectTimeoutError', 'NameResolutionError'):
            return False
        cause = getattr(cause, 'reason', None) or getattr(cause, '__context__', None)
        seen += 1
    return 'Connection aborted' in str(error) or 'RemoteDisconnected' in str(error)


def _path(url, base_url):
    path = url[len(base_url):] if url.startswith(base_url) else url
    return path.split('?')[0] or '/'


def _reason(error):
    """A short cause without the URL's query or any header: the first line of the innermost reason."""
    cause = error
    while getattr(cause, 'reason', None) is not None and cause.reason is not cause:
        cause = cause.reason
    text = str(cause).splitlines()[0] if str(cause) else type(cause).__name__
    return text[:300]
