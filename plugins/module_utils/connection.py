# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options for Jama Connect and JCI: one table each, from which the argument specs, the
environment fallbacks and the argument rules are made. The doc fragments in
plugins/doc_fragments/connection.py describe the same tables; a unit test keeps them in step."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.module_utils.basic import env_fallback
from ansible.module_utils.six.moves.urllib.parse import urlsplit

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.module_utils.http_session import ApiSession, TokenProvider

# name: (type, no_log, environment variable, default)
JAMA_OPTIONS = {
    'url': ('str', False, 'JAMA_URL', None),
    'username': ('str', False, 'JAMA_USERNAME', None),
    'password': ('str', True, 'JAMA_PASSWORD', None),
    'client_id': ('str', False, 'JAMA_CLIENT_ID', None),
    'client_secret': ('str', True, 'JAMA_CLIENT_SECRET', None),
    'token': ('str', True, 'JAMA_TOKEN', None),
    'validate_certs': ('bool', False, 'JAMA_VALIDATE_CERTS', True),
    'ca_path': ('path', False, 'JAMA_CA_PATH', None),
    'timeout': ('int', False, 'JAMA_TIMEOUT', 30),
    'retry_after_max': ('int', False, 'JAMA_RETRY_AFTER_MAX', 60),
}

JCI_OPTIONS = {
    'url': ('str', False, 'JCI_URL', None),
    'username': ('str', False, 'JCI_USERNAME', None),
    'password': ('str', True, 'JCI_PASSWORD', None),
    'validate_certs': ('bool', False, 'JCI_VALIDATE_CERTS', True),
    'ca_path': ('path', False, 'JCI_CA_PATH', None),
    'timeout': ('int', False, 'JCI_TIMEOUT', 30),
    'retry_after_max': ('int', False, 'JCI_RETRY_AFTER_MAX', 60),
}

# Exactly one way to authenticate to Jama.
JAMA_RULES = {
    'required_together': [['username', 'password'], ['client_id', 'client_secret']],
    'mutually_exclusive': [['username', 'client_id', 'token']],
    'required_one_of': [['username', 'client_id', 'token']],
}
JCI_RULES = {'required_together': [['username', 'password']]}


def _suboptions(table):
    spec = {}
    for name, (kind, no_log, env, default) in table.items():
        option = {'type': kind, 'fallback': (env_fallback, [env])}
        if no_log:
            option['no_log'] = True
        if default is not None:
            option['default'] = default
        spec[name] = option
    return spec


def jama_argument_spec():
    return {'jama': {'type': 'dict', 'apply_defaults': True, 'options': _suboptions(JAMA_OPTIONS),
                     'required_together': JAMA_RULES['required_together'],
                     'mutually_exclusive': JAMA_RULES['mutually_exclusive'],
                     'required_one_of': JAMA_RULES['required_one_of']}}


def jci_argument_spec():
    return {'jci': {'type': 'dict', 'apply_defaults': True, 'options': _suboptions(JCI_OPTIONS),
                    'required_together': JCI_RULES['required_together']}}


def check_url(url, option, env=None):
    """The one URL rule of the collection: an absolute http(s) URL with a host and no user name or password.

    A URL is never echoed with a user name or password in it."""
    if not url:
        fallback = ', or the environment variable %s' % env if env else ''
        raise errors.ConfigurationError('%s is required: set it%s' % (option, fallback))
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        parts, host = None, None
    if parts is not None and (parts.username is not None or parts.password is not None):
        raise errors.ConfigurationError('%s must not hold a user name or password (give them as username and '
                                        'password)' % option)
    if parts is None or parts.scheme.lower() not in ('http', 'https') or not host:
        raise errors.ConfigurationError('%s must be an absolute http(s) URL such as https://jama.example.com, '
                                        'got %r' % (option, url))
    return url.rstrip('/')


TIMEOUT_MAX = 600


def _timeout(value, option):
    if value is None or not 1 <= value <= TIMEOUT_MAX:
        raise errors.ConfigurationError('%s must be a whole number of seconds between 1 and %d, got %s'
                                        % (option, TIMEOUT_MAX, value))
    return value


def _retry_after_max(value, option):
    if value is None:
        return 60
    if not 0 <= value <= 3600:
        raise errors.ConfigurationError('%s must be between 0 and 3600 seconds, got %s' % (option, value))
    return value


def _ca_path(value, option):
    """A CA bundle that exists, found before any call (requests would fail deep inside with an OSError)."""
    if value and not os.path.isfile(value):
        raise errors.ConfigurationError('%s: no such file %s; give the PEM file of the CA that signed the '
                                        'server\'s certificate' % (option, value))
    return value


def jama_session(params):
    """An ApiSession for Jama from the ``jama`` option."""
    options = params['jama']
    url = check_url(options.get('url'), 'jama.url', 'JAMA_URL')
    if options.get('token'):
        auth = TokenProvider(static_token=options['token'])
    elif options.get('client_id'):
        auth = TokenProvider(client_id=options['client_id'], client_secret=options['client_secret'])
    else:
        auth = (options['username'], options['password'])
    return ApiSession(url, auth=auth, validate_certs=options['validate_certs'],
                      ca_path=_ca_path(options.get('ca_path'), 'jama.ca_path'),
                      timeout=_timeout(options['timeout'], 'jama.timeout'),
                      retry_after_max=_retry_after_max(options.get('retry_after_max'), 'jama.retry_after_max'))


def jci_session(params):
    options = params['jci']
    url = check_url(options.get('url'), 'jci.url', 'JCI_URL')
    if not options.get('username'):
        raise errors.ConfigurationError('jci.username and jci.password are required: set them, or JCI_USERNAME '
                                        'and JCI_PASSWORD')
    return ApiSession(url, auth=(options['username'], options['password']), validate_certs=options['validate_certs'],
                      ca_path=_ca_path(options.get('ca_path'), 'jci.ca_path'),
                      timeout=_timeout(options['timeout'], 'jci.timeout'),
                      retry_after_max=_retry_after_max(options.get('retry_after_max'), 'jci.retry_after_max'))
