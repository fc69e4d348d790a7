"""One emulated environment for the reconciler's tests: the engine wired to the emulator and a real store (a vault
file, or a credential in the emulated automation controller), with hooks to kill a run at any call and to make any
store write fail, and the invariants every healed run must satisfy."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import os

import yaml

from ansible.parsing.dataloader import DataLoader
from ansible.parsing.vault import VaultLib, VaultSecret

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.module_utils.controller_client import ControllerClient
from ansible_collections.jama.connect.plugins.module_utils.http_session import ApiSession, TokenProvider
from ansible_collections.jama.connect.plugins.module_utils.probe import check_credential
from ansible_collections.jama.connect.plugins.module_utils.jama_client import JamaClient
from ansible_collections.jama.connect.plugins.module_utils.jci_client import JciClient
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.engine import Engine
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.model import Settings, marker
from ansible_collections.jama.connect.plugins.plugin_utils.stores.controller import ControllerStore
from ansible_collections.jama.connect.plugins.plugin_utils.stores.controller_sink import ControllerSink, sink_options
from ansible_collections.jama.connect.plugins.plugin_utils.stores.hashi_vault import HashiVaultStore
from ansible_collections.jama.connect.plugins.plugin_utils.stores.vault_file import VaultFileError, VaultStore
from ansible_collections.jama.connect.tests.unit.plugins.awx_render import render

from jamaemu.accounts import CONTROLLER_ADMIN, JAMA_ADMIN, JCI_ADMIN, SERVICE  # pylint: disable=import-error
PASSWORD = 'reconcile-tests'
CONNECTOR = 'Jama Connect'
OAUTH_TYPE = 'Jama Connect OAuth client'
CONTROLLER_CREDENTIAL = {'name': 'Jama Connect dev', 'organization': 'Default'}
TYPES = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', '..', 'extensions',
                     'automation_platform', 'credential_types.yml')
# What the engine's store holds, under the names a vault file uses; for the controller, from its decrypted inputs.
STORE_KEYS = (('jama_client_id', 'client_id'), ('jama_client_secret', 'client_secret'),
              ('jama_credential_state', 'state'))


class Killed(BaseException):
    """Stands in for a run killed mid-way (SIGKILL, a cancelled AWX job): no except clause of the engine runs."""


class Hooks:
    """Counts the engine's HTTP calls and vault writes; kills the run or fails a write at a chosen one."""

    def __init__(self):
        self.calls = 0
        self.writes = 0
        self.kill_before_call = None
        self.kill_after_call = None
        self.fail_write = None
        self.kill_after_write = None
        # For the Vault store: the write is done, then its answer is lost (the server acted, the run does not know).
        self.drop_after_write = None
        # For the controller store: called with the write's number just before it (another job acting meanwhile).
        self.before_write = None


class HookedSession(ApiSession):
    hooks = None

    def request(self, method, path, expect=(200, 201, 204), **kwargs):
        hooks = self.hooks
        hooks.calls += 1
        if hooks.kill_before_call == hooks.calls:
            raise Killed('before call %d' % hooks.calls)
        answer = super(HookedSession, self).request(method, path, expect, **kwargs)
        if hooks.kill_after_call == hooks.calls:
            raise Killed('after call %d' % hooks.calls)
        return answer


class HookedVault(VaultStore):
    hooks = None

    def write(self, updates, remove=()):
        self.hooks.writes += 1
        if self.hooks.fail_write == self.hooks.writes:
            # As the vault file store reports a full disk (write_vars turns the OSError into a VaultFileError).
            raise VaultFileError('%s could not be written: No space left on device (errno 28, injected)' % self.path)
        written = super(HookedVault, self).write(updates, remove)
        if self.hooks.kill_after_write == self.hooks.writes:
            raise Killed('after vault write %d' % self.hooks.writes)
        return written


class HookedHashiVault(HashiVaultStore):
    hooks = None

    def write(self, updates, remove=()):
        self.hooks.writes += 1
        if self.hooks.fail_write == self.hooks.writes:
            raise errors.TransportError('the Vault server could not be reached (injected)')
        if self.hooks.before_write is not None:
            self.hooks.before_write(self.hooks.writes)
        known = (self._data, self._version)
        written = super(HookedHashiVault, self).write(updates, remove)
        if self.hooks.kill_after_write == self.hooks.writes:
            raise Killed('after Vault write %d' % self.hooks.writes)
        if self.hooks.drop_after_write == self.hooks.writes:
            # The server wrote the new version; the answer never came back, so the store knows only what it knew
            # before (as after a real lost answer: hvac raises and the store learns no version).
            self._data, self._version = known
            self._unsure = True
            raise errors.TransportError('the answer of the Vault server was lost (injected)')
        return written


class HookedControllerStore(ControllerStore):
    hooks = None

    def write(self, updates, remove=()):
        self.hooks.writes += 1
        if self.hooks.fail_write == self.hooks.writes:
            raise errors.TransportError('the controller could not be reached (injected)')
        if self.hooks.before_write is not None:
            self.hooks.before_write(self.hooks.writes)
        written = super(HookedControllerStore, self).write(updates, remove)
        if self.hooks.kill_after_write == self.hooks.writes:
            raise Killed('after controller write %d' % self.hooks.writes)
        return written


_TYPES = []


def oauth_client_type():
    # Parsed once: every run of the fault suite renders it, and parsing the YAML cost a quarter of the suite's time.
    if not _TYPES:
        with open(TYPES, encoding='utf-8') as handle:
            _TYPES.append([item for item in yaml.safe_load(handle)['credential_types'] if item['name'] == OAUTH_TYPE][0])
    return copy.deepcopy(_TYPES[0])


def loader():
    data_loader = DataLoader()
    data_loader.set_vault_secrets([('dev', VaultSecret(PASSWORD.encode()))])
    return data_loader


class Environment:
    """``store``: 'vault' (a vault file in tmp_path), 'controller' (a credential in the emulated controller, its
    values injected into each run the way the controller injects them into a job), or 'mirror' (the vault file,
    with a copy of its current credential in a controller credential)."""

    def __init__(self, emulator, tmp_path, store='vault', openbao=None, **settings):
        self.emulator = emulator
        self.store = store
        # For the 'openbao' store: the server, this environment's secret path and a token with the documented policy.
        self.openbao = openbao
        if store == 'openbao':
            self.bao_path, self.bao_token = openbao.place()
        self.tmp_path = tmp_path
        self.vault_path = str(tmp_path / 'jama_credential.vault.yml')
        self.settings = dict(jama_url=emulator.jama_url, jci_url=emulator.jci_url, connector_name=CONNECTOR,
                             create_credential=True, vault_file=self.vault_path, environment='dev')
        if store == 'openbao':
            self.settings['vault_file'] = None
        if store in ('controller', 'mirror'):
            if store == 'controller':
                self.settings['vault_file'] = None
            definition = oauth_client_type()
            response = emulator.controller('POST', '/api/v2/credential_types/', json=dict(
                (key, definition[key]) for key in ('name', 'description', 'kind', 'inputs', 'injectors')))
            assert response.status_code in (201, 400), response.text  # 400: already installed since the reset
        self.settings.update(settings)
        self.hooks = Hooks()
        # For the controller store: values that replace what the controller would inject (another credential's).
        self.tamper = None

    def session(self, url, auth, timeout=30):
        session = HookedSession(url, auth=auth, ca_path=self.emulator.ca_file, timeout=timeout)
        session.hooks = self.hooks
        return session

    def _sink(self, copy_of_vault_file=False):
        sink = ControllerSink({'url': self.emulator.controller_url, 'username': CONTROLLER_ADMIN[0],
                               'password': CONTROLLER_ADMIN[1], 'ca_path': self.emulator.ca_file},
                              sink_options(CONTROLLER_CREDENTIAL), copy_of_vault_file=copy_of_vault_file)
        # Its calls count, and can be broken, like the engine's own.
        sink.session = self.session(self.emulator.controller_url, CONTROLLER_ADMIN)
        sink.client = ControllerClient(sink.session)
        return sink

    def bao_options(self, **overrides):
        return dict({'url': self.openbao.url, 'token': self.bao_token, 'mount': 'secret', 'path': self.bao_path},
                    **overrides)

    def _store(self):
        if self.store == 'openbao':
            vault = HookedHashiVault(self.bao_options(), ('jama_client_id', 'jama_client_secret', 'jama_credential_state'))
        elif self.store in ('vault', 'mirror'):
            vault = HookedVault(self.vault_path, loader(), 'dev')
        else:
            sink = self._sink()
            extra = self.injected()
            given = {'client_id': extra.get('oauth_connector_client_id'),
                     'client_secret': extra.get('oauth_connector_client_secret'),
                     'state': extra.get('oauth_connector_credential_state'),
                     'revision': extra.get('oauth_connector_credential_revision')}
            given.update(self.tamper or {})
            vault = HookedControllerStore(sink, self.emulator.jama_url, given,
                                          ('jama_client_id', 'jama_client_secret', 'jama_credential_state'))
        vault.hooks = self.hooks
        return vault

    def engine(self, flow='configure', check_mode=False, admin_timeout=30, **overrides):
        vault = self._store()
        settings = Settings(flow=flow, store=vault.describe(), **dict(self.settings, **overrides))

        def probe(client_id, client_secret):
            # The collection's one credential check, through a session whose calls count and can be broken.
            return check_credential(self.session(self.emulator.jama_url, TokenProvider(client_id=client_id,
                                                                                       client_secret=client_secret)))

        def basic_probe(url, username, password):
            return JamaClient(self.session(url, (username, password))).current_user()

        mirror = None
        if self.store == 'mirror':
            mirror = self._sink(copy_of_vault_file=True)
            mirror.prepare()
        return Engine(settings, JciClient(self.session(self.emulator.jci_url, JCI_ADMIN)),
                      lambda: JamaClient(self.session(self.emulator.jama_url, JAMA_ADMIN, admin_timeout)), probe, vault,
                      check_mode=check_mode, basic_probe=basic_probe, mirror=mirror)

    # --- the controller credential, as a job gets it --------------------------------------------
    def controller_credential(self):
        """The controller credential's id and decrypted inputs, or (None, {})."""
        # Through the emulator's admin API: the controller's own API is where this test injects faults.
        found = self.emulator.admin('GET', '/controller/credentials?name=' + CONTROLLER_CREDENTIAL['name'])
        return (found[0]['id'], found[0]['inputs']) if found else (None, {})

    def injected(self):
        """The extra vars a job that attaches the credential gets: its injectors rendered as AWX renders them."""
        credential_id, inputs = self.controller_credential()
        if credential_id is None:
            return {}
        files = self.tmp_path / 'injected'
        files.mkdir(exist_ok=True)
        return render(oauth_client_type(), inputs, files)[1]

    def run(self, flow='configure', check_mode=False, **overrides):
        return self.engine(flow, check_mode, **overrides).run()

    # --- the state of the three systems -------------------------------------------------------
    def vault_data(self):
        """What the store holds (for 'mirror', the vault file; the controller credential is its copy)."""
        if self.store == 'openbao':
            return self.bao_secret()[0]
        if self.store == 'controller':
            inputs = self.controller_credential()[1]
            data = dict((key, inputs[name]) for key, name in STORE_KEYS if inputs.get(name))
            if 'jama_credential_state' in data:
                data['jama_credential_state'] = json.loads(data['jama_credential_state'])
            return data
        try:
            with open(self.vault_path, 'rb') as handle:
                raw = handle.read()
        except IOError:
            return {}
        return yaml.safe_load(VaultLib([('dev', VaultSecret(PASSWORD.encode()))]).decrypt(raw)) or {}

    def bao_secret(self):
        """The secret's latest data and version as the root token reads it ({} and 0 when there is none)."""
        import hvac  # pylint: disable=import-outside-toplevel
        try:
            kv = self.openbao.root().secrets.kv.v2
            answer = kv.read_secret_version(self.bao_path, mount_point='secret', raise_on_deleted_version=True)
        except hvac.exceptions.InvalidPath:
            return {}, 0
        return answer['data']['data'], answer['data']['metadata']['version']

    def write_vault(self, data):
        VaultStore(self.vault_path, loader(), 'dev').write(data)

    def credentials(self):
        user = self.emulator.jama('GET', '/rest/v1/users', auth=JAMA_ADMIN, params={'username': 'jci_service'})
        user_id = user.json()['data'][0]['id']
        listed = self.emulator.jama('GET', '/rest/v1/users/%d/apicredentials' % user_id, auth=JAMA_ADMIN,
                                    params={'maxResults': 50})
        return listed.json()['data']

    def create_credential(self, name, description=''):
        response = self.emulator.jama('POST', '/rest/v1/users/current/apicredentials', auth=SERVICE,
                                      json={'name': name, 'description': description})
        assert response.status_code == 201, response.text
        return response.json()['data']

    def delete_credential(self, client_id):
        for cred in self.credentials():
            if cred['clientId'] == client_id:
                response = self.emulator.jama('DELETE', '/rest/v1/users/current/apicredentials/%d' % cred['id'],
                                              auth=SERVICE)
                assert response.status_code == 204

    def connectors(self):
        return self.emulator.jci('GET', '/api/v1/connectors').json()['data']

    def connector(self, name=CONNECTOR):
        found = [conn for conn in self.connectors() if conn['name'] == name]
        return found[0] if found else None

    def create_connector(self, **fields):
        body = dict({'name': CONNECTOR, 'application': 'jama_connect', 'url': self.emulator.jama_url,
                     'verifySsl': True}, **fields)
        response = self.emulator.jci('POST', '/api/v1/connectors', json=body)
        assert response.status_code == 201, response.text
        return response.json()['data']

    def token_works(self, client_id, client_secret):
        response = self.emulator.jama('POST', '/rest/oauth/token', auth=(client_id, client_secret),
                                      data={'grant_type': 'client_credentials'})
        return response.status_code == 200

    def mine(self):
        """Credentials this environment's engine made (by their marker)."""
        return [cred for cred in self.credentials()
                if cred.get('description') == marker(self.emulator.jci_url, CONNECTOR)]

    def assert_agree(self):
        """Jama, the vault file and JCI agree, the connector works, and nothing the engine made is orphaned."""
        data = self.vault_data()
        state = data.get('jama_credential_state') or {}
        # Nothing unfinished; the record of the credential's life, if any, describes the current credential.
        assert set(state) <= {'lifecycle'}, state.keys()
        client_id, secret = data['jama_client_id'], data['jama_client_secret']
        if state:
            assert state['lifecycle']['client_id'] == client_id and state['lifecycle'].get('created'), state['lifecycle']
        assert self.token_works(client_id, secret), 'the vault file\'s credential does not work'
        conn = self.connector()
        assert conn is not None and conn['authenticationType'] == 'oauth' and conn['clientId'] == client_id
        # The role's own credentials: at most the current one (an adopted one, made by a person, has no marker).
        assert set(cred['clientId'] for cred in self.mine()) <= {client_id}, 'orphaned credentials in Jama'
        tested = self.emulator.jci('POST', '/api/v1/connectors/%d/test' % conn['id']).json()['data']
        assert tested['success'], tested['message']
        if self.store == 'mirror':
            copy = self.controller_credential()[1]
            assert (copy.get('client_id'), copy.get('client_secret')) == (client_id, secret), \
                'the controller credential is not a copy of the vault file\'s credential'
        return client_id


def expect_failure(env, flow='configure', **overrides):
    """Run a flow that must fail; returns the error (never a Killed, which propagates)."""
    try:
        env.run(flow, **overrides)
    except errors.JamaConnectError as error:
        return error
    raise AssertionError('the %s flow did not fail' % flow)
