# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs one flow of the oauth_connector role for one environment, on the controller.

Everything is validated before the first call (options, CA files, the vault file and its vault secret, both
connections' settings), then the engine in plugin_utils/reconcile/ reads the state, decides and acts. The
HTTP calls are made from this process through the same clients and session as the modules, so a converged
environment costs two calls (four with a Jama administrator, whose two list the credentials for the result's
status) and no module payload. No secret is ever put into the result.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from urllib.parse import urlsplit, urlunsplit

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.module_utils.connection import (
    jama_session, jci_session, resolve_controller, resolve_hashi_vault, resolve_jama, resolve_jci)
from ansible_collections.jama.connect.plugins.module_utils.http_session import (
    HAS_REQUESTS, ApiSession)
from ansible_collections.jama.connect.plugins.module_utils.jama_client import JamaClient
from ansible_collections.jama.connect.plugins.module_utils.probe import check_credential, credential_session
from ansible_collections.jama.connect.plugins.module_utils.jci_client import JciClient
from ansible_collections.jama.connect.plugins.module_utils.reconcile_options import DEFAULTS, argument_spec
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.checks import (
    admin_configured, check_options, name, settings_of, validation_failure, writes_credentials)
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.engine import Engine
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.report import failure_headline
from ansible_collections.jama.connect.plugins.plugin_utils.stores.controller import ControllerStore
from ansible_collections.jama.connect.plugins.plugin_utils.stores.controller_sink import ControllerSink, sink_options
from ansible_collections.jama.connect.plugins.plugin_utils.stores.hashi_vault import HashiVaultStore
from ansible_collections.jama.connect.plugins.plugin_utils.stores.vault_file import VaultFileError, VaultStore

# Shown at default verbosity: one line per environment with the run's verdict (the result's headline). From a
# fork, ansible-core sends it through the main process's display, like a callback's output.
display = Display()


def failed(result, error, engine):
    """The failed result: the error's message, reason and outcome, and what the engine did before it."""
    result.update(failed=True, changed=bool(engine and engine.changed), **error.to_fail_json())
    # The error's status is the HTTP status of the answer that failed; this module's status is the environment's
    # lifecycle (a dict, even when the run stopped before the engine existed: a store that refused the login).
    http_status = result.pop('status', None)
    if http_status is not None:
        result['http_status'] = http_status
    result['status'] = {}
    if engine is not None:
        result.update(actions=list(engine.actions), cleaned_up=list(engine.cleaned_up),
                      jama_check=engine.result.get('jama_check'), jci_test=engine.result.get('jci_test'),
                      status=engine.status())
        if engine.actions:
            result['msg'] += '. Done before that: ' + '; '.join(engine.actions)


def environment_of(params, engine, task_vars):
    return engine.s.environment if engine is not None else \
        params.get('environment_name') or (task_vars or {}).get('inventory_hostname')


def as_report(result, params, engine, task_vars):
    """The report flow's result: what the report says of the environment, and a failure to observe it as data. The
    report shows such an environment as a row that says why; its playbook fails the host after the report is
    written (roles/oauth_connector/tasks/report.yml)."""
    result['report_facts'] = report_facts(params, engine, task_vars)
    result['observed'] = not result.pop('failed', False)


def without_user_info(url):
    """A URL as the report may show it: a user name or password in it (refused by the option checks, but the report
    also makes a row of an environment whose options were refused) is left out."""
    if not isinstance(url, str):
        return None
    parts = urlsplit(url)
    if '@' not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit('@', 1)[1]))


def report_facts(params, engine, task_vars):
    """What the fleet report says of the environment beside its conditions (plugins/action/fleet_report.py)."""
    settings = engine.s if engine is not None else None
    return {'environment': environment_of(params, engine, task_vars),
            'jama_url': without_user_info(params.get('jama_url')),
            'jci_url': without_user_info(params['jci'].get('url')) if isinstance(params.get('jci'), dict) else None,
            'connector_name': params.get('connector_name'), 'service_user': params.get('service_user'),
            'store': settings.store if settings else params.get('vault_file'),
            'policy': settings.policy.view() if settings else None}


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
            if self._task.args.get('flow') == 'report':
                as_report(result, dict(DEFAULTS, **self._task.args), None, task_vars)
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
            display.display(failure_headline(environment_of(params, engine, task_vars), result['reason'],
                                             result['heals_on_next_run'], result.get('status')))
        else:
            result.update(report, outcome=errors.success_outcome(report['changed']))
            display.display(report['headline'])
            for text in (report.get('status') or {}).get('warnings') or []:
                # oauth_connector_warn_before: shown at default verbosity, as Ansible shows a warning.
                display.warning('%s: %s' % (engine.s.environment, text))
            if self._task.diff:
                result['diff'] = engine.diff
        finally:
            for session in sessions:
                session.close()
        if params['flow'] == 'report':
            as_report(result, params, engine, task_vars)
        result['retries'] = [entry for session in sessions for entry in session.retries]
        return result

    def _params(self):
        """The task's arguments validated, with connections from module_defaults and the environment."""
        args = dict((key, value) for key, value in self._task.args.items() if value is not None)
        for option, group in (('jci', 'jama.connect.jci'), ('jama', 'jama.connect.jama'),
                              ('controller', 'jama.connect.controller'), ('hashi_vault', 'jama.connect.hashi_vault')):
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
        params['hashi_vault'] = resolve_hashi_vault(params, require_auth=False)
        return params

    def _engine(self, params, task_vars, result, sessions):
        """Everything checked, the store read, and the engine wired to its clients."""
        check_options(params)
        vault = self._vault(params, result)
        mirror = None
        if params['hashi_vault'] is not None:
            vault = HashiVaultStore(params['hashi_vault'], (params['client_id_var'], params['client_secret_var'],
                                                            params['state_var']))
            sessions.append(vault)  # closed with the run's sessions: an AppRole login's token is revoked
            vault.read()  # the server, the login, the mount's version and the secret, before any call to Jama or JCI
        elif vault is None and params['controller_credential'] is not None:
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
                      mirror=mirror, admin_posts=bool((params['jama'] or {}).get('client_id')))

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
        if writes_credentials(params):
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
