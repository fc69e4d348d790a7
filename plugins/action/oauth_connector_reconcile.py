# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs one flow of the oauth_connector role for one environment, on the controller.

Everything is validated before the first call (options, CA files, the vault file and its vault secret, both
connections' settings), then the engine in plugin_utils/reconcile/ reads the state, decides and acts. The
HTTP calls are made from this process through the same clients and session as the modules, so a converged
environment costs two calls and no module payload. No secret is ever put into the result.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.module_utils.connection import (
    check_url, jama_session, jci_session, resolve_controller, resolve_jama, resolve_jci)
from ansible_collections.jama.connect.plugins.module_utils.http_session import (
    HAS_REQUESTS, ApiSession)
from ansible_collections.jama.connect.plugins.module_utils.jama_client import JamaClient
from ansible_collections.jama.connect.plugins.module_utils.probe import check_credential, credential_session
from ansible_collections.jama.connect.plugins.module_utils.jci_client import JciClient
from ansible_collections.jama.connect.plugins.module_utils.limits import (
    CONNECTOR_NAME_MAX, CREDENTIAL_NAME_MAX, TIMEOUT_MAX, VAR_NAME)
from ansible_collections.jama.connect.plugins.module_utils.reconcile_options import ROLE_VARIABLES, argument_spec
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.engine import Engine
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.model import NAME_SUFFIX_LENGTH, Settings
from ansible_collections.jama.connect.plugins.plugin_utils.stores.controller import ControllerStore, parse_state
from ansible_collections.jama.connect.plugins.plugin_utils.stores.controller_sink import ControllerSink, sink_options
from ansible_collections.jama.connect.plugins.plugin_utils.stores.vault_file import VaultFileError, VaultStore

# Shown at default verbosity: one line per environment with the run's verdict (the result's headline). From a
# fork, ansible-core sends it through the main process's display, like a callback's output.
display = Display()
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
    check_files_and_timeouts(params)
    check_connections(params)


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
    if not params['vault_file'] and not params['client_id'] and not controller:
        _fail('set %s to the environment\'s vault-encrypted vars file (it holds the client ID and secret, or receives '
              'a new credential), or %s (an automation controller credential does), or set %s and %s'
              % (name('vault_file'), name('controller_credential'), name('client_id'), name('client_secret')))


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
    return params['create_credential'] or params['flow'] == 'rotate'


def check_writes(params):
    """A flow that creates a credential needs a store to hand its secret to."""
    controller = params['controller_credential'] is not None
    if writes_credentials(params) and not params['vault_file'] and not controller:
        _fail('%s needs %s or %s: Jama shows a new secret once and it must be handed off into a vault file or a '
              'controller credential' % ('rotation' if params['flow'] == 'rotate' else name('create_credential') + '=true',
                                         name('vault_file'), name('controller_credential')))
    if writes_credentials(params) and params['client_id'] and not controller:
        _fail('%s and %s come from the options, so a new credential could not replace them: remove them and keep '
              'the credential in %s' % (name('client_id'), name('client_secret'), name('vault_file')))
    if parse_state(params['credential_state']) and (not controller or params['vault_file']):
        _fail('%s records unfinished work of an earlier job, which only a run with %s can finish: set it to the '
              'controller credential the job template attaches' % (name('credential_state'),
                                                                   name('controller_credential')))


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
        _fail('creating a credential needs a Jama administrator: set %s (url, username, password), or module_defaults '
              'for group/jama.connect.jama, or JAMA_URL, JAMA_USERNAME and JAMA_PASSWORD' % name('jama'))
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
        client_secret=None if from_controller else params['client_secret'], basic_password=params['basic_password'])


def failed(result, error, engine):
    """The failed result: the error's message, reason and outcome, and what the engine did before it."""
    result.update(failed=True, changed=bool(engine and engine.changed), **error.to_fail_json())
    if engine is not None:
        result.update(actions=list(engine.actions), cleaned_up=list(engine.cleaned_up),
                      jama_check=engine.result.get('jama_check'), jci_test=engine.result.get('jci_test'))
        if engine.actions:
            result['msg'] += '. Done before that: ' + '; '.join(engine.actions)


class ActionModule(ActionBase):

    TRANSFERS_FILES = False
    _requires_connection = False

    def _connection_defaults(self, option, group):
        """A connection from module_defaults, for a task that left the option out (the role passes ``omit`` when it
        was not given one, and an omitted argument does not fall back to module_defaults by itself)."""
        merged = {}
        for entry in self._task.module_defaults or []:
            merged.update(entry)
        for key in ('jama.connect.oauth_connector_reconcile', 'group/' + group):
            value = merged.get(key)
            if isinstance(value, dict) and option in value:
                found = self._templar.template(value[option])
                omit = self._templar.available_variables.get('omit')
                if isinstance(found, dict):
                    found = dict((key, item) for key, item in found.items() if item != omit)
                return found
        return None

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        try:
            params = self._params()
        except errors.ConfigurationError as error:
            result.update(failed=True, changed=False, **error.to_fail_json())
            return result
        if not HAS_REQUESTS:
            raise AnsibleActionFail('jama.connect.oauth_connector_reconcile needs the Python library requests on the '
                                    'controller (pip install requests)')
        sessions = []
        engine = None
        try:
            engine = self._engine(params, task_vars, result, sessions)
            report = engine.run()
        except errors.JamaConnectError as error:
            # The one boundary: every error of the clients, the stores and the engine. Its reason and outcome say
            # whether the next run heals it (README, "Failure reasons").
            failed(result, error, engine)
        else:
            result.update(report, outcome=errors.success_outcome(report['changed']))
            display.display(report['headline'])
            if self._task.diff:
                result['diff'] = engine.diff
        finally:
            for session in sessions:
                session.close()
        result['retries'] = [entry for session in sessions for entry in session.retries]
        return result

    def _params(self):
        """The task's arguments validated, with connections from module_defaults and the environment."""
        args = dict((key, value) for key, value in self._task.args.items() if value is not None)
        for option, group in (('jci', 'jama.connect.jci'), ('jama', 'jama.connect.jama'),
                              ('controller', 'jama.connect.controller')):
            if option not in args:
                found = self._connection_defaults(option, group)
                if found is not None:
                    args[option] = found
        validated = ArgumentSpecValidator(argument_spec()).validate(args)
        if validated.error_messages:
            raise errors.ConfigurationError(validation_failure(validated.error_messages, args))
        params = validated.validated_parameters
        # The environment fills in what neither the task nor module_defaults gave (resolve() in connection.py).
        params['jci'] = resolve_jci(params, require_auth=False)
        params['jama'] = resolve_jama(params, require_auth=False)
        if params['controller_credential'] is not None:
            params['controller'] = resolve_controller(params, require_auth=False)
        return params

    def _engine(self, params, task_vars, result, sessions):
        """Everything checked, the store read, and the engine wired to its clients."""
        check_options(params)
        vault = self._vault(params, result)
        mirror = None
        if vault is None and params['controller_credential'] is not None:
            vault = self._controller_store(params, sessions)
        elif params['controller_credential'] is not None:
            # Both: the vault file is the store, the controller credential gets a copy of its current credential.
            mirror = ControllerSink(params['controller'], sink_options(params['controller_credential']),
                                    copy_of_vault_file=True)
            sessions.append(mirror.session)
            mirror.prepare()
        if params['client_secret_plaintext']:
            result.setdefault('warnings', []).append(
                '%s is not encrypted with Ansible Vault. Anyone who can read the inventory can use the JCI service '
                'account; encrypt the value with ansible-vault encrypt_string.' % name('client_secret'))
        jci = self._open(sessions, jci_session, params)
        return Engine(settings_of(params, task_vars, vault), JciClient(jci),
                      lambda: JamaClient(self._open(sessions, jama_session, params)),
                      self._prober(params, sessions), vault, check_mode=bool(self._task.check_mode),
                      basic_probe=self._basic_prober(params, sessions), admin_configured=admin_configured(params),
                      mirror=mirror)

    def _vault(self, params, result):
        if not params['vault_file']:
            return None
        store = VaultStore(params['vault_file'], self._loader, params['vault_id'])
        try:
            store.read()  # a wrong vault password or a broken file is found before any call
        except VaultFileError as error:
            raise VaultFileError('%s: %s' % (name('vault_file'), error))
        if not store.encrypted():
            result.setdefault('warnings', []).append(
                '%s is not encrypted with Ansible Vault. Anyone who can read it can use the JCI service account; '
                'encrypt it with ansible-vault encrypt.' % params['vault_file'])
        if params['create_credential'] or params['flow'] == 'rotate':
            store.precheck_write()
        return store

    @staticmethod
    def _controller_store(params, sessions):
        """The controller credential as the engine's store, read now: the organisation, the type and what the job
        was given are checked before any call to Jama or JCI."""
        sink = ControllerSink(params['controller'], sink_options(params['controller_credential']))
        sessions.append(sink.session)
        injected = {'client_id': params['client_id'], 'client_secret': params['client_secret'],
                    'state': params['credential_state'], 'revision': params['credential_revision']}
        names = (params['client_id_var'], params['client_secret_var'], params['state_var'])
        store = ControllerStore(sink, params['jama_url'].rstrip('/'), injected, names)
        store.read()
        return store

    @staticmethod
    def _open(sessions, factory, params):
        session = factory(params)
        sessions.append(session)
        return session

    @staticmethod
    def _prober(params, sessions):
        def probe(client_id, client_secret):
            session = credential_session(params['jama_url'], client_id, client_secret,
                                         validate_certs=params['jama_validate_certs'], ca_path=params['jama_ca_path'],
                                         timeout=params['jama_timeout'])
            sessions.append(session)
            return check_credential(session)
        return probe

    @staticmethod
    def _basic_prober(params, sessions):
        def probe(url, username, password):
            session = ApiSession(url, auth=(username, password), validate_certs=params['jama_validate_certs'],
                                 ca_path=params['jama_ca_path'], timeout=params['jama_timeout'])
            sessions.append(session)
            return JamaClient(session).current_user()
        return probe
