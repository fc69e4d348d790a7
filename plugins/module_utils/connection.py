# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options for Jama Connect and JCI: one table each, from which the argument specs, the
environment fallbacks and the authentication rules are made. The doc fragments in
plugins/doc_fragments/connection.py describe the same tables; a unit test keeps them in step."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from urllib.parse import urlsplit

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.module_utils.http_session import ApiSession, TokenProvider
from ansible_collections.jama.connect.plugins.module_utils.limits import RETRY_AFTER_MAX_LIMIT, TIMEOUT_MAX

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

# The automation controller (AWX / Automation Platform), with the environment variables its own "Red Hat Ansible
# Automation Platform" credential type injects, so attaching that credential to a job is enough.
CONTROLLER_OPTIONS = {
    'url': ('str', False, 'CONTROLLER_HOST', None),
    'username': ('str', False, 'CONTROLLER_USERNAME', None),
    'password': ('str', True, 'CONTROLLER_PASSWORD', None),
    'token': ('str', True, 'CONTROLLER_OAUTH_TOKEN', None),
    'api_path': ('str', False, 'CONTROLLER_API_PATH', '/api/v2/'),
    'validate_certs': ('bool', False, 'CONTROLLER_VERIFY_SSL', True),
    'ca_path': ('path', False, 'CONTROLLER_CA_PATH', None),
    'timeout': ('int', False, 'CONTROLLER_TIMEOUT', 30),
    'retry_after_max': ('int', False, 'CONTROLLER_RETRY_AFTER_MAX', 60),
}

# HashiCorp Vault (or OpenBao) as the store (plugin_utils/stores/hashi_vault.py): the server's variables as hvac and
# the vault CLI read them (VAULT_ROLE_ID and VAULT_SECRET_ID are this collection's); the secret's mount and path
# belong to each environment, so they have no environment variable (None).
HASHI_VAULT_OPTIONS = {
    'url': ('str', False, 'VAULT_ADDR', None),
    'token': ('str', True, 'VAULT_TOKEN', None),
    'role_id': ('str', False, 'VAULT_ROLE_ID', None),
    'secret_id': ('str', True, 'VAULT_SECRET_ID', None),
    'auth_mount': ('str', False, None, 'approle'),
    'namespace': ('str', False, 'VAULT_NAMESPACE', None),
    'validate_certs': ('bool', False, None, True),
    'ca_path': ('path', False, 'VAULT_CACERT', None),
    'timeout': ('int', False, None, 30),
    'mount': ('str', False, None, 'secret'),
    'path': ('str', False, None, None),
}

# The ways to authenticate; exactly one is used for Jama and the controller, and JCI has one.
JAMA_AUTH = (('username', 'password'), ('client_id', 'client_secret'), ('token',))
JCI_AUTH = (('username', 'password'),)
CONTROLLER_AUTH = (('username', 'password'), ('token',))
HASHI_VAULT_AUTH = (('token',), ('role_id', 'secret_id'))


def _suboptions(table):
    """The argument spec of a connection option. No environment fallbacks or defaults here: resolve() applies them,
    so that an environment variable fills in only what the task (or module_defaults) left out."""
    spec = {}
    for name, (kind, no_log, _env, _default) in table.items():
        option = {'type': kind}
        if no_log:
            option['no_log'] = True
        spec[name] = option
    return spec


def jama_argument_spec():
    return {'jama': {'type': 'dict', 'apply_defaults': True, 'options': _suboptions(JAMA_OPTIONS)}}


def jci_argument_spec():
    return {'jci': {'type': 'dict', 'apply_defaults': True, 'options': _suboptions(JCI_OPTIONS)}}


def hashi_vault_argument_spec():
    return {'hashi_vault': {'type': 'dict', 'options': _suboptions(HASHI_VAULT_OPTIONS)}}


def controller_argument_spec():
    return {'controller': {'type': 'dict', 'apply_defaults': True, 'options': _suboptions(CONTROLLER_OPTIONS)}}


def _convert(value, kind, env):
    if kind == 'bool':
        lowered = value.strip().lower()
        if lowered in ('1', 'true', 'yes', 'on', 'y', 't'):
            return True
        if lowered in ('0', 'false', 'no', 'off', 'n', 'f'):
            return False
        raise errors.ConfigurationError('%s must be true or false, got %r' % (env, value))
    if kind == 'int':
        try:
            return int(value.strip())
        except ValueError:
            raise errors.ConfigurationError('%s must be a whole number, got %r' % (env, value))
    if kind == 'path':
        return os.path.expanduser(os.path.expandvars(value))
    return value


def resolve(options, table, auth, prefix, environ=None, require_auth=True, prefer=None):
    """One connection from what the task gave (its own argument or module_defaults, which Ansible has already
    merged, the task winning) and the environment, which fills in only what was not given.

    An authentication method is taken from the environment only when the task gave none: explicit client_id and
    client_secret with JAMA_USERNAME set in the environment just work, as on Automation Platform, where a
    credential injects environment variables into every job."""
    given = dict((key, value) for key, value in (options or {}).items() if value is not None)
    auth_names = set(name for method in auth for name in method)
    explicit_auth = bool(auth_names & set(given))
    skip = auth_names if explicit_auth else set()
    resolved = _with_environment(given, table, skip, os.environ if environ is None else environ)
    methods = _auth_methods(resolved, auth, prefix, explicit_auth, prefer)
    if require_auth and not methods:
        raise errors.ConfigurationError('%s: no way to authenticate: give %s, or set %s' % (
            prefix, ', or '.join(_joined(prefix, method, ' and ') for method in auth),
            ', or '.join(' and '.join(table[name][2] for name in method) for method in auth)))
    for name, (_kind, _no_log, _env, default) in table.items():
        resolved.setdefault(name, default)
    return resolved


def _with_environment(given, table, skip, environ):
    """``given`` plus what the environment sets for the options it left out (except those in ``skip``)."""
    resolved = dict(given)
    for name, (kind, _no_log, env, _default) in table.items():
        raw = environ.get(env) if env else None
        if name not in resolved and name not in skip and raw is not None and raw != '':
            resolved[name] = _convert(raw, kind, env)
    return resolved


def _joined(prefix, names, separator):
    return separator.join('%s.%s' % (prefix, name) for name in names)


def _auth_methods(resolved, auth, prefix, explicit_auth, prefer):
    """The authentication methods ``resolved`` gives: at most one, complete. Drops the others' values from
    ``resolved`` when the environment gave two and one is preferred."""
    methods = [method for method in auth if any(name in resolved for name in method)]
    if len(methods) > 1 and not explicit_auth and prefer in methods:
        # The environment of a credential that holds two ways (the platform credential with a password and a
        # token): use the preferred one, as the controller's own collections do.
        for name in set(name for method in methods if method != prefer for name in method):
            resolved.pop(name, None)
        methods = [prefer]
    if len(methods) > 1:
        where = 'the task' if explicit_auth else 'the environment'
        raise errors.ConfigurationError('%s: %s gives more than one way to authenticate (%s); give one' % (
            prefix, where, ' and '.join(_joined(prefix, method, '/') for method in methods)))
    for method in methods:
        _require_together(resolved, method, prefix)
    return methods


def _require_together(resolved, method, prefix):
    missing = [name for name in method if name not in resolved]
    if missing:
        raise errors.ConfigurationError('%s: %s needs %s as well (parameters are required together)' % (
            prefix, _joined(prefix, [name for name in method if name in resolved], ', '),
            _joined(prefix, missing, ', ')))


def resolve_jama(params, require_auth=True, environ=None):
    return resolve(params.get('jama'), JAMA_OPTIONS, JAMA_AUTH, 'jama', environ, require_auth)


def resolve_jci(params, require_auth=True, environ=None):
    return resolve(params.get('jci'), JCI_OPTIONS, JCI_AUTH, 'jci', environ, require_auth)


def resolve_controller(params, require_auth=True, environ=None):
    return resolve(params.get('controller'), CONTROLLER_OPTIONS, CONTROLLER_AUTH, 'controller', environ, require_auth,
                   prefer=('token',))


def resolve_hashi_vault(params, require_auth=True, environ=None):
    """The Vault store's connection, or None when the task gave none (VAULT_ADDR alone does not make it the store)."""
    if params.get('hashi_vault') is None:
        return None
    return resolve(params.get('hashi_vault'), HASHI_VAULT_OPTIONS, HASHI_VAULT_AUTH, 'hashi_vault', environ,
                   require_auth)


def check_hashi_vault(given, option):
    """The one rule for a Vault secret as the store (the role's and jama_api_credential's): its server, its path in the
    mount, a way to log in, a timeout and CA file that work. ``option``: how messages name the option."""
    url = check_url(given.get('url'), option + '.url', env='VAULT_ADDR', example='https://vault.example.com:8200')
    if urlsplit(url).path.rstrip('/').endswith('/v1'):
        # hvac adds /v1/ itself: with it in the URL every call goes to /v1/v1/..., which a server answers 403 or 404.
        raise errors.ConfigurationError('%s.url is the server\'s address without /v1 (the client adds it), such as '
                                        'https://vault.example.com:8200, got %r' % (option, url))
    path = (given.get('path') or '').strip('/')
    first = path.split('/')[0]
    # A path that repeats the mount or data/ reads <mount>/data/<mount>/data/...: a 404 for every reader (AWX's lookup).
    if not path or '..' in path.split('/') or first in ('data', 'metadata', given.get('mount') or 'secret'):
        raise errors.ConfigurationError('%s.path must be the secret\'s path in the mount, such as jama/prod (without the '
                                        'mount and without data/), got %r' % (option, given.get('path')))
    if not given.get('token') and not (given.get('role_id') and given.get('secret_id')):
        raise errors.ConfigurationError('%s needs a token, or role_id and secret_id (AppRole): set %s.token, or '
                                        'VAULT_TOKEN' % (option, option))
    _ca_path(given.get('ca_path'), option + '.ca_path')
    if given.get('timeout') is not None:
        _timeout(given['timeout'], option + '.timeout')


def check_url(url, option, env=None, example='https://jama.example.com'):
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
        raise errors.ConfigurationError('%s must be an absolute http(s) URL such as %s, got %r' % (option, example, url))
    return url.rstrip('/')


def _timeout(value, option):
    if value is None or not 1 <= value <= TIMEOUT_MAX:
        raise errors.ConfigurationError('%s must be a whole number of seconds between 1 and %d, got %s'
                                        % (option, TIMEOUT_MAX, value))
    return value


def _retry_after_max(value, option):
    if value is None:
        return 60
    if not 0 <= value <= RETRY_AFTER_MAX_LIMIT:
        raise errors.ConfigurationError('%s must be between 0 and %d seconds, got %s' % (option, RETRY_AFTER_MAX_LIMIT, value))
    return value


def _ca_path(value, option):
    """A CA bundle that exists, found before any call (requests would fail deep inside with an OSError)."""
    if value and not os.path.isfile(value):
        raise errors.ConfigurationError('%s: no such file %s; give the PEM file of the CA that signed the '
                                        'server\'s certificate' % (option, value))
    return value


def jama_session(params):
    """An ApiSession for Jama from the ``jama`` option."""
    options = resolve_jama(params)
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
    options = resolve_jci(params)
    url = check_url(options.get('url'), 'jci.url', 'JCI_URL')
    return ApiSession(url, auth=(options['username'], options['password']), validate_certs=options['validate_certs'],
                      ca_path=_ca_path(options.get('ca_path'), 'jci.ca_path'),
                      timeout=_timeout(options['timeout'], 'jci.timeout'),
                      retry_after_max=_retry_after_max(options.get('retry_after_max'), 'jci.retry_after_max'))


def controller_session(params):
    """An ApiSession for the automation controller, and its API path (C(/api/v2/) on AWX and the controller,
    C(/api/controller/v2/) behind the Automation Platform 2.5 gateway)."""
    options = resolve_controller(params)
    url = check_url(options.get('url'), 'controller.url', 'CONTROLLER_HOST')
    api_path = '/' + (options.get('api_path') or '/api/v2/').strip('/') + '/'
    auth = TokenProvider(static_token=options['token']) if options.get('token') else (options['username'],
                                                                                      options['password'])
    session = ApiSession(url, auth=auth, validate_certs=options['validate_certs'],
                         ca_path=_ca_path(options.get('ca_path'), 'controller.ca_path'),
                         timeout=_timeout(options['timeout'], 'controller.timeout'),
                         retry_after_max=_retry_after_max(options.get('retry_after_max'), 'controller.retry_after_max'))
    session.api_path = api_path
    session.field_errors = True
    session.hints = {
        'tls': "set controller.ca_path (or CONTROLLER_CA_PATH) to the CA bundle that signed the controller's "
               "certificate, or REQUESTS_CA_BUNDLE for every call of the job",
        'auth': 'check controller.username and controller.password, or controller.token (CONTROLLER_USERNAME and '
                'CONTROLLER_PASSWORD, or CONTROLLER_OAUTH_TOKEN): a personal access token comes from the user\'s '
                'Tokens page or POST /api/v2/tokens/'}
    return session
