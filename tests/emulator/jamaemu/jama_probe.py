"""JCI's side of a connector test: real HTTP calls from JCI to the Jama Connect the connector names.

[MODEL] For OAuth: token request, then ``users/current`` with the token. JCI keeps the token, as an OAuth
client does, for the same URL, client ID and secret until Jama rejects it (then it asks for a new one, once), so a
test right after another asks Jama for ``users/current`` only. For Basic: ``users/current`` with Basic auth, where
a failure counts towards Jama's lockout exactly as it does for real JCI. No other retries: a retried failed login
is what locks service accounts. A failed test reports the status Jama answered (``jamaStatus``).
"""
import hashlib
import threading
import time
import warnings

import requests
import urllib3

USER_AGENT = 'JamaConnectInterchange-emulator/1.0'
TIMEOUT_SECONDS = 10


class ProbeResult:
    def __init__(self):
        self.success = False
        self.user = None
        self.category = None
        self.message = ''
        self.latency_ms = 0
        self.lines = []  # (level, category, message)
        self.jama_status = None  # what Jama answered when the test failed at Jama


class TokenCache:
    """The access tokens JCI holds, one per Jama URL, client ID and secret (the secret only as a digest)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.tokens = {}

    @staticmethod
    def key(base, connector):
        digest = hashlib.sha256(connector['clientSecret'].encode('utf-8')).hexdigest()
        return (base, connector['clientId'], digest)

    def get(self, key):
        with self.lock:
            return self.tokens.get(key)

    def put(self, key, token):
        with self.lock:
            if token is None:
                self.tokens.pop(key, None)
            else:
                self.tokens[key] = token


def _jama_message(response):
    try:
        body = response.json()
    except ValueError:
        return response.reason
    meta = body.get('meta') if isinstance(body, dict) else None
    if isinstance(meta, dict) and meta.get('message'):
        return meta['message']
    if isinstance(body, dict) and body.get('error_description'):
        return body['error_description']
    return response.reason


def _failure(result, response, step):
    status = response.status_code
    result.jama_status = status
    detail = _jama_message(response)
    if status in (401, 403):
        result.category = 'authentication'
        result.message = 'Authentication failed at %s: %d %s: %s' % (step, status, response.reason, detail)
    else:
        result.category = 'availability'
        result.message = 'Jama Connect answered %d %s at %s: %s' % (status, response.reason, step, detail)
    result.lines.append(('ERROR', result.category, result.message))


def _oauth_current_user(session, base, connector, verify, tokens, result):
    """users/current with JCI's token for this client, asking Jama for one when it has none or Jama rejected it.
    Returns the users/current answer, or None when the token request failed (recorded in ``result``)."""
    key = TokenCache.key(base, connector)
    for fresh in (False, True):
        token = None if fresh else tokens.get(key)
        if token is None:
            response = session.post(base + '/rest/oauth/token', data={'grant_type': 'client_credentials'},
                                    auth=(connector['clientId'], connector['clientSecret']),
                                    verify=verify, timeout=TIMEOUT_SECONDS)
            if response.status_code != 200:
                tokens.put(key, None)
                _failure(result, response, 'the OAuth token request')
                return None
            token = response.json()['access_token']
            tokens.put(key, token)
            fresh = True
        response = session.get(base + '/rest/v1/users/current', headers={'Authorization': 'Bearer ' + token},
                               verify=verify, timeout=TIMEOUT_SECONDS)
        if response.status_code != 401 or fresh:
            return response
        tokens.put(key, None)  # expired or revoked: one new token
    return response


def probe(connector, ca_file, tokens=None):
    """Run the test against the connector's Jama URL; never raises for a remote failure. ``tokens``: JCI's
    TokenCache (a fresh one, so a new token, when not given)."""
    tokens = tokens if tokens is not None else TokenCache()
    result = ProbeResult()
    base = connector['url'].rstrip('/')
    verify = (ca_file or True) if connector['verifySsl'] else False
    auth_type = connector['authenticationType']
    if auth_type == 'oauth':
        result.lines.append(('INFO', 'test', 'Testing connection to %s with OAuth client %s'
                             % (base, connector['clientId'])))
    else:
        result.lines.append(('INFO', 'test', 'Testing connection to %s with Basic authentication as %s'
                             % (base, connector['username'])))
    started = time.monotonic()
    with requests.Session() as session, warnings.catch_warnings():
        warnings.simplefilter('ignore', urllib3.exceptions.InsecureRequestWarning)
        session.headers['User-Agent'] = USER_AGENT
        try:
            if auth_type == 'oauth':
                response = _oauth_current_user(session, base, connector, verify, tokens, result)
                if response is None:
                    return result
            else:
                response = session.get(base + '/rest/v1/users/current', verify=verify, timeout=TIMEOUT_SECONDS,
                                       auth=(connector['username'], connector['password']))
        except requests.exceptions.SSLError as error:
            result.category = 'tls'
            result.message = 'TLS verification failed for %s: %s' % (base, type(error).__name__)
            result.lines.append(('ERROR', 'tls', result.message))
            return result
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as error:
            result.category = 'connection'
            result.message = 'Jama Connect at %s is unreachable: %s' % (base, type(error).__name__)
            result.lines.append(('ERROR', 'connection', result.message))
            return result
        except (requests.exceptions.RequestException, ValueError) as error:
            # A URL requests cannot use (a host name IDNA refuses, say), or an answer that is not Jama's JSON: JCI
            # reports a failed test, never an error of its own.
            result.category = 'connection'
            result.message = 'Jama Connect at %s could not be tested: %s' % (base, type(error).__name__)
            result.lines.append(('ERROR', 'connection', result.message))
            return result
        finally:
            result.latency_ms = int((time.monotonic() - started) * 1000)
        if response.status_code != 200:
            _failure(result, response, 'users/current')
            return result
        try:
            user = response.json()['data']
        except (ValueError, KeyError, TypeError):
            result.category = 'availability'
            result.message = 'The answer at %s/rest/v1/users/current is not Jama Connect\'s' % base
            result.lines.append(('ERROR', 'availability', result.message))
            return result
        result.success = True
        result.user = {key: user.get(key) for key in ('id', 'username', 'licenseType')}
        result.message = 'Connection test succeeded: authenticated as %s' % user.get('username')
        result.lines.append(('INFO', 'test', result.message))
    return result
