# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How the connector modules compare, present and explain JCI connectors. Never includes a secret."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.module_utils.connection import check_url
from ansible_collections.jama.connect.plugins.module_utils.limits import CONNECTOR_NAME_MAX

MASK = '********'
# [MODEL] JCI's connector names: non-empty, at most 100 characters (the modelled contract).
NAME_MAX = CONNECTOR_NAME_MAX

# Why a connector test failed, by JCI's category and message, with the fix.
TEST_HINTS = (
    ('locked', 'the JCI service account is locked after failed logins; wait for the lock to end or have a Jama '
               'administrator unlock it, and move the connector to OAuth so this cannot happen again'),
    ('client credentials', 'the client secret does not belong to the client ID: re-enter it from vault, or create '
                           'a new API credential (jama.connect.jama_api_credential with rotate) and update the '
                           'connector'),
    ('named creator', 'the JCI service account needs a Named Creator license in Jama'),
    ('rest api', 'grant the JCI service account REST API access in Jama under Admin > Organization > REST API'),
    ('bad credentials', 'the username or password is wrong; prefer OAuth, whose failures never lock the account'),
    ('tls', "JCI cannot verify Jama's certificate: install the CA in JCI's trust store, or check the URL"),
    ('unreachable', 'JCI cannot reach Jama at that URL: check the URL, DNS, firewalls and proxies between them'),
)


def normalized_url(url):
    """A URL as two systems may spell it: no trailing slash, lower case."""
    return (url or '').rstrip('/').lower()


def connector_view(conn):
    """A connector as modules return it: snake_case, secrets reported only as set or not."""
    if not conn:
        return {}
    last = conn.get('lastTest') or None
    return {'id': conn.get('id'), 'name': conn.get('name'), 'application': conn.get('application'),
            'url': conn.get('url'), 'verify_ssl': conn.get('verifySsl'),
            'authentication_type': conn.get('authenticationType'), 'client_id': conn.get('clientId'),
            'client_secret_set': bool(conn.get('clientSecretSet')), 'username': conn.get('username'),
            'password_set': bool(conn.get('passwordSet')), 'integrations': conn.get('integrations') or [],
            'last_test': None if last is None else {
                'status': last.get('status'), 'time': last.get('time'), 'user': last.get('user'),
                'latency_ms': last.get('latencyMs'), 'message': last.get('message')}}


def diff_view(view, secret_sent=None):
    """The fields a diff shows; secrets as a mask, or as '(new value)' when this run sends one."""
    if not view:
        return {}
    shown = {key: view.get(key) for key in ('name', 'url', 'verify_ssl', 'authentication_type')}
    if view.get('authentication_type') == 'oauth':
        shown['client_id'] = view.get('client_id')
        shown['client_secret'] = '(new value)' if secret_sent else (MASK if view.get('client_secret_set') else None)
    else:
        shown['username'] = view.get('username')
        shown['password'] = '(new value)' if secret_sent else (MASK if view.get('password_set') else None)
    return shown


def failure_hint(result):
    text = ('%s %s' % (result.get('category') or '', result.get('message') or '')).lower()
    for needle, hint in TEST_HINTS:
        if needle in text:
            return hint
    return 'read the connector log lines in this result, fix the cause in Jama or JCI, and test again'


def log_view(entry):
    return {'id': entry.get('id'), 'timestamp': entry.get('timestamp'), 'level': entry.get('level'),
            'category': entry.get('category'), 'message': entry.get('message')}


def check_desired(params):
    """Refuse incomplete or contradictory input before any call, naming the option and the fix."""
    auth = params['authentication_type']
    name = params.get('name') or ''
    if not name.strip() or name != name.strip():
        raise errors.ConfigurationError('name must be a non-empty name without leading or trailing spaces, got %r'
                                        % name)
    if len(name) > NAME_MAX:
        raise errors.ConfigurationError('name is %d characters long; JCI allows at most %d' % (len(name), NAME_MAX))
    if not params.get('url'):
        raise errors.ConfigurationError('url is required with state=present: the Jama Connect base URL, for '
                                        'example https://jama.example.com')
    check_url(params['url'], 'url')
    if auth == 'oauth':
        if not params.get('client_id') or not params.get('client_secret'):
            raise errors.ConfigurationError('authentication_type=oauth needs client_id and client_secret: take '
                                            'them from the vault file jama.connect.jama_api_credential wrote')
        if params.get('username') or params.get('password'):
            raise errors.ConfigurationError('username and password belong to authentication_type=basic; remove '
                                            'them for oauth')
    else:
        if not params.get('username') or not params.get('password'):
            raise errors.ConfigurationError('authentication_type=basic needs username and password')
        if params.get('client_id') or params.get('client_secret'):
            raise errors.ConfigurationError('client_id and client_secret belong to authentication_type=oauth; '
                                            'remove them for basic')


def desired_fields(params):
    fields = {'url': params['url'].rstrip('/'), 'verifySsl': params['verify_ssl'],
              'authenticationType': params['authentication_type']}
    if params['authentication_type'] == 'oauth':
        fields['clientId'] = params['client_id']
    else:
        fields['username'] = params['username']
    return fields


def planned_changes(params, current):
    """The PATCH body for ``current``, and whether it carries the secret."""
    desired = desired_fields(params)
    changes = dict((key, value) for key, value in desired.items() if current.get(key) != value)
    oauth = params['authentication_type'] == 'oauth'
    identity = 'clientId' if oauth else 'username'
    secret_set = current.get('clientSecretSet' if oauth else 'passwordSet')
    send = (identity in changes or 'authenticationType' in changes or not secret_set
            or params['secret_update'] == 'always')
    if send:
        changes[identity] = desired[identity]
        changes['clientSecret' if oauth else 'password'] = params['client_secret' if oauth else 'password']
    return changes, send
