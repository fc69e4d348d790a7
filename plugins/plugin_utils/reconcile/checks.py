# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The reconciler's options checked before any call (plugins/action/oauth_connector_reconcile.py runs them), each
message naming the module option and the role variable that sets it, and the engine's Settings built from them."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.module_utils import connection
from ansible_collections.jama.connect.plugins.module_utils.connection import check_url, resolve_controller
from ansible_collections.jama.connect.plugins.module_utils.limits import (
    CONNECTOR_NAME_MAX, CREDENTIAL_NAME_MAX, TIMEOUT_MAX, VAR_NAME)
from ansible_collections.jama.connect.plugins.module_utils.reconcile_options import ROLE_VARIABLES
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.policy import Policy
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.model import NAME_SUFFIX_LENGTH, Settings
from ansible_collections.jama.connect.plugins.plugin_utils.stores.controller import parse_state
from ansible_collections.jama.connect.plugins.plugin_utils.stores.controller_sink import sink_options

# How ansible's ArgumentSpecValidator names an option: argument 'x', value of x, found in 'x', missing required
# arguments: x, y.
VALIDATOR_NAMES = re.compile(r"(argument '|value of '?|found in ')(\w+)('?)")
MISSING = re.compile(r'(missing required arguments: )([\w, ]+)')


def _fail(message):
    raise errors.ConfigurationError(message)


def name(option):
    role = ROLE_VARIABLES.get(option)
    return '%s (role: %s)' % (option, role) if role else option


def with_role_variables(message):
    """The argument validator names this action's options; add the role variable that sets each, so the role's
    playbooks (which skip the role's own argument-spec pass, see docs/decisions.md) name what to fix."""
    def named(match):
        option = match.group(2)
        return match.group(0) + (' (role: %s)' % ROLE_VARIABLES[option] if option in ROLE_VARIABLES else '')

    def each_missing(match):
        return match.group(1) + ', '.join(name(option) for option in match.group(2).split(', '))
    return MISSING.sub(each_missing, VALIDATOR_NAMES.sub(named, message))


def validation_failure(messages, args):
    """The argument validator's messages, naming role variables, and where a missing Jama URL comes from on
    Automation Platform (the OAuth client credential injects it)."""
    message = '; '.join(with_role_variables(item) for item in messages)
    if args.get('controller_credential') is not None and not args.get('jama_url') and 'jama_url' in message:
        message += ('. With oauth_connector_controller_credential, the "Jama Connect OAuth client" credential that the '
                    'job template attaches injects it: attach that credential (or set oauth_connector_jama_url)')
    return message


def check_options(params):
    """Every input the flow may need, checked before any call, in this order (the first problem is reported)."""
    check_url(params['jama_url'], name('jama_url'))
    check_names(params)
    check_store_variables(params)
    check_credential_source(params)
    check_writes(params)
    check_adopt(params)
    check_files_and_timeouts(params)
    check_connections(params)
    policy_of(params)


def policy_of(params):
    """The age policy (plugin_utils/reconcile/lifecycle.py), its messages naming the option and the role variable."""
    return Policy.from_options(params, label=name)


def check_names(params):
    for option in ('connector_name', 'service_user', 'credential_name'):
        value = params[option]
        if not value or not value.strip() or value != value.strip():
            _fail('%s must be a non-empty name without leading or trailing spaces, got %r' % (name(option), value))
    if len(params['connector_name']) > CONNECTOR_NAME_MAX:
        _fail('%s is %d characters long; JCI allows at most %d'
              % (name('connector_name'), len(params['connector_name']), CONNECTOR_NAME_MAX))
    longest = CREDENTIAL_NAME_MAX - NAME_SUFFIX_LENGTH
    if len(params['credential_name']) > longest:
        _fail('%s may be at most %d characters: a time stamp is appended to make each new credential\'s name '
              'unique within Jama\'s limit of %d' % (name('credential_name'), longest, CREDENTIAL_NAME_MAX))


def check_store_variables(params):
    options = ('client_id_var', 'client_secret_var', 'state_var')
    for option in options:
        if not VAR_NAME.match(params[option] or ''):
            _fail('%s must be a variable name (letters, digits and _), got %r' % (name(option), params[option]))
    if len(set(params[option] for option in options)) != 3:
        _fail('%s, %s and %s must be three different variable names' % tuple(name(option) for option in options))


def check_credential_source(params):
    """Where the credential comes from: the options, a vault file or a controller credential, one at a time."""
    controller = params['controller_credential'] is not None
    if bool(params['client_id']) != bool(params['client_secret']) and not controller:
        _fail('set both %s and %s, or neither' % (name('client_id'), name('client_secret')))
    if params['vault_file'] and params['client_from_credential']:
        check_attached_client(controller)
    if controller:
        check_controller_store(params)
    if params['vault_file'] and params['client_id']:
        _fail('set either %s or %s and %s, not both: the credential in use must be the one the vault file holds'
              % (name('vault_file'), name('client_id'), name('client_secret')))
    if params.get('hashi_vault') is not None:
        check_hashi_vault(params, controller)
        return
    if not params['vault_file'] and not params['client_id'] and not controller:
        _fail('set %s to the environment\'s vault-encrypted vars file (it holds the client ID and secret, or receives '
              'a new credential), or %s (an automation controller credential does), or set %s and %s'
              % (name('vault_file'), name('controller_credential'), name('client_id'), name('client_secret')))


def check_hashi_vault(params, controller):
    """The Vault secret as the store: alone, and with its server, its secret's path and a way to log in."""
    given = params['hashi_vault']
    for other, present in (('vault_file', params['vault_file']), ('controller_credential', controller),
                           ('client_id', params['client_id'])):
        if present:
            _fail('set either %s or %s, not both: the environment\'s credential has one store'
                  % (name('hashi_vault'), name(other)))
    connection.check_hashi_vault(given, name('hashi_vault'))  # its ConfigurationError names the role variable


def has_store(params):
    """Whether the credential has a store a new secret can be handed to."""
    return bool(params['vault_file']) or params['controller_credential'] is not None or \
        params.get('hashi_vault') is not None


def check_attached_client(controller):
    """A job was given an OAuth client credential, but the host keeps its credential in a vault file."""
    if controller:
        _fail('this job was given a "Jama Connect OAuth client" credential, but the host keeps its credential in %s '
              'and writes a copy to %s. A job that attaches the copy (a scheduled check) uses it as given: leave %s '
              'and %s out of that job\'s host variables (for example with a separate inventory for such jobs)'
              % (name('vault_file'), name('controller_credential'), ROLE_VARIABLES['vault_file'],
                 ROLE_VARIABLES['controller_credential']))
    _fail('this job was given a "Jama Connect OAuth client" credential, whose injected values (the Jama URL and the '
          'client) would override this host\'s, but the host keeps its credential in %s: detach that credential '
          'from the job template, or keep the credential in the controller with %s instead'
          % (name('vault_file'), name('controller_credential')))


def writes_credentials(params):
    """Whether the flow may create a credential (a rotation when due is one)."""
    return params['create_credential'] or params['flow'] == 'rotate' or \
        (params['flow'] == 'configure' and bool(params.get('rotate_when_due')))


def writer(params):
    """How messages name what makes the flow create a credential."""
    if params['flow'] == 'rotate':
        return 'rotation'
    return name('create_credential') + '=true' if params['create_credential'] else name('rotate_when_due') + '=true'


def check_writes(params):
    """A flow that creates a credential needs a store to hand its secret to."""
    controller = params['controller_credential'] is not None
    if writes_credentials(params) and not has_store(params):
        stores = (name('vault_file'), name('controller_credential'), name('hashi_vault'))
        _fail('%s needs %s, %s or %s: Jama shows a new secret once and it must be handed off into a vault file, a '
              'controller credential or a Vault secret' % ((writer(params),) + stores))
    if writes_credentials(params) and params['client_id'] and not controller:
        _fail('%s and %s come from the options, so a new credential could not replace them: remove them and keep '
              'the credential in %s' % (name('client_id'), name('client_secret'), name('vault_file')))
    if parse_state(params['credential_state']) and (not controller or params['vault_file']):
        _fail('%s records unfinished work of an earlier job, which only a run with %s can finish: set it to the '
              'controller credential the job template attaches' % (name('credential_state'),
                                                                   name('controller_credential')))


def check_adopt(params):
    """adopt takes a credential made by hand into the store: it needs both halves and a store, and nothing else does."""
    given = [option for option in ('adopt_client_id', 'adopt_client_secret') if params.get(option)]
    if params['flow'] != 'adopt':
        if given:
            _fail('%s is only for jama.connect.adopt (flow adopt); remove it' % name(given[0]))
        return
    if len(given) != 2:
        _fail('adopt needs %s and %s: the client ID and secret Jama\'s UI showed when the credential was created (give '
              'them as extra vars, in JAMA_ADOPT_CLIENT_ID and JAMA_ADOPT_CLIENT_SECRET, or at the prompt)'
              % (name('adopt_client_id'), name('adopt_client_secret')))
    if not has_store(params):
        _fail('adopt needs %s, %s or %s: the store the adopted credential is kept in'
              % (name('vault_file'), name('controller_credential'), name('hashi_vault')))
    if params['client_id'] and params['controller_credential'] is None:
        _fail('%s and %s come from the options, so an adopted credential could not replace them: remove them'
              % (name('client_id'), name('client_secret')))


def check_files_and_timeouts(params):
    def sub(option, key):
        return (params[option] or {}).get(key)
    for option, value in (('jama_ca_path', params['jama_ca_path']), ('jci.ca_path', sub('jci', 'ca_path')),
                          ('jama.ca_path', sub('jama', 'ca_path')), ('controller.ca_path', sub('controller', 'ca_path'))):
        if value and not os.path.isfile(value):
            _fail('%s: no such file %s; give the PEM file of the CA that signed the certificate' % (name(option), value))
    for option, value in (('jama_timeout', params['jama_timeout']), ('jci.timeout', sub('jci', 'timeout')),
                          ('jama.timeout', sub('jama', 'timeout')), ('controller.timeout', sub('controller', 'timeout'))):
        if value is not None and not 1 <= value <= TIMEOUT_MAX:
            _fail('%s must be between 1 and %d seconds, got %s' % (name(option), TIMEOUT_MAX, value))


def check_connections(params):
    jci = params['jci'] or {}
    if not jci.get('url') or not jci.get('username') or not jci.get('password'):
        _fail('the JCI connection is incomplete (url, username and password are needed): set %s, or module_defaults '
              'for group/jama.connect.jci, or JCI_URL, JCI_USERNAME and JCI_PASSWORD' % name('jci'))
    check_url(jci['url'], name('jci') + '.url')
    if writes_credentials(params) and not admin_configured(params):
        _fail('creating a credential (%s) needs a Jama administrator: set %s (url, username, password), or module_defaults '
              'for group/jama.connect.jama, or JAMA_URL, JAMA_USERNAME and JAMA_PASSWORD' % (writer(params), name('jama')))
    if admin_configured(params):
        check_url(params['jama']['url'], name('jama') + '.url')


def check_controller_store(params):
    """controller_credential: where the role keeps the credential on an automation controller. The client ID,
    secret and record of unfinished work then come from the controller's injection into the job."""
    try:
        sink_options(params['controller_credential'])
    except errors.ConfigurationError as error:
        _fail('%s (role: %s)' % (error.message, ROLE_VARIABLES['controller_credential']))
    options = resolve_controller(params, require_auth=False)
    if not options.get('url') or not (options.get('token') or (options.get('username') and options.get('password'))):
        _fail('%s needs the automation controller connection (url, and username and password or token): set %s, or '
              'module_defaults for group/jama.connect.controller, or CONTROLLER_HOST with CONTROLLER_USERNAME and '
              'CONTROLLER_PASSWORD or CONTROLLER_OAUTH_TOKEN (attach a "Red Hat Ansible Automation Platform" '
              'credential to the job)' % (name('controller_credential'), name('controller')))
    check_url(options['url'], name('controller') + '.url')


def admin_configured(params):
    admin = params.get('jama') or {}
    return bool(admin.get('url')) and bool(admin.get('username') or admin.get('client_id') or admin.get('token'))


def settings_of(params, task_vars, vault):
    """What the environment wants, for the engine (plugin_utils/reconcile/model.py Settings)."""
    from_controller = params['controller_credential'] is not None
    return Settings(
        flow=params['flow'], environment=params['environment_name'] or (task_vars or {}).get('inventory_hostname'),
        jama_url=params['jama_url'], jci_url=params['jci']['url'], connector_name=params['connector_name'],
        verify_ssl=params['verify_ssl'], service_user=params['service_user'],
        credential_name=params['credential_name'], create_credential=params['create_credential'],
        vault_file=params['vault_file'], store=vault.describe() if vault is not None else None,
        client_id_var=params['client_id_var'], client_secret_var=params['client_secret_var'],
        state_var=params['state_var'], client_id=None if from_controller else params['client_id'],
        client_secret=None if from_controller else params['client_secret'], basic_password=params['basic_password'],
        policy=policy_of(params), adopt=(params.get('adopt_client_id'), params.get('adopt_client_secret')))
