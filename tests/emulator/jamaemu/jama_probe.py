"""JCI's side of a connector test: real HTTP calls from JCI to the Jama Connect the connector names.

[MODEL] For OAuth: token request, then ``users/current`` with the token. For Basic: ``users/current``
with Basic auth, where a failure counts towards Jama's lockout exactly as it does for real JCI.
No retries: a retried failed login is what locks service accounts.
"""
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
    detail = _jama_message(response)
    if status in (401, 403):
        result.category = 'authentication'
        result.message = 'Authentication failed at %s: %d %s: %s' % (step, status, response.reason, detail)
    else:
        result.category = 'availability'
        result.message = 'Jama Connect answered %d %s at %s: %s' % (status, response.reason, step, detail)
    result.lines.append(('ERROR', result.category, result.message))


def probe(connector, ca_file):
    """Run the test against the connector's Jama URL; never raises for a remote failure."""
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
                response = session.post(base + '/rest/oauth/token', data={'grant_type': 'client_credentials'},
                                        auth=(connector['clientId'], connector['clientSecret']),
                                        verify=verify, timeout=TIMEOUT_SECONDS)
                if response.status_code != 200:
                    _failure(result, response, 'the OAuth token request')
                    return result
                headers = {'Authorization': 'Bearer ' + response.json()['access_token']}
                response = session.get(base + '/rest/v1/users/current', headers=headers, verify=verify,
                                       timeout=TIMEOUT_SECONDS)
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
        finally:
            result.latency_ms = int((time.monotonic() - started) * 1000)
        if response.status_code != 200:
            _failure(result, response, 'users/current')
            return result
        user = response.json()['data']
        result.success = True
        result.user = {key: user.get(key) for key in ('id', 'username', 'licenseType')}
        result.message = 'Connection test succeeded: authenticated as %s' % user.get('username')
        result.lines.append(('INFO', 'test', result.message))
    return result
