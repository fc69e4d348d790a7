"""The HashiCorp Vault store (plugins/plugin_utils/stores/hashi_vault.py) against a real OpenBao dev server
(openbao.py) and the emulator: the engine's flows with the secret kept in KV version 2, every write a check-and-set,
another job's write detected and never overwritten, check mode reading only, the server's audit log holding values
only HMAC'd, and each misconfiguration refused with its fix."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from hvac import exceptions as hvac_errors

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.module_utils.connection import resolve_hashi_vault
from ansible_collections.jama.connect.plugins.plugin_utils.stores.hashi_vault import HashiVaultStore
from ansible_collections.jama.connect.tests.unit.plugins.plugin_utils.reconcile_env import Environment, expect_failure

NAMES = ('jama_client_id', 'jama_client_secret', 'jama_credential_state')


@pytest.fixture
def env(emulator, openbao, tmp_path):
    emulator.reset()
    return Environment(emulator, tmp_path, store='openbao', openbao=openbao)


def operations(openbao, path):
    """The audit log's requests on this environment's secret: (operation, path)."""
    found = []
    with open(openbao.audit_log, encoding='utf-8') as handle:
        for line in handle:
            entry = json.loads(line)
            request = entry.get('request') or {}
            if entry.get('type') == 'request' and path in (request.get('path') or ''):
                found.append((request.get('operation'), request.get('path')))
    return found


def test_configure_keeps_the_secret_in_kv2_and_a_second_run_changes_nothing(env, openbao):
    first = env.run()
    assert first['changed'] and first['verified']
    data, version = env.bao_secret()
    assert set(data) == set(NAMES) | {'managed_by'} and data['managed_by'] == 'jama.connect'
    assert data['jama_credential_state']['lifecycle']['client_id'] == data['jama_client_id']
    env.assert_agree()
    again = env.run()
    assert not again['changed'] and env.bao_secret()[1] == version
    # What AWX's lookup reads: GET /v1/<backend>/data/<path>, then data.data[secret_key].
    answer = openbao.root().adapter.get('/v1/secret/data/%s' % env.bao_path)
    assert answer['data']['data']['jama_client_secret'] == data['jama_client_secret']


def test_a_rotation_writes_new_versions_and_deletes_the_old_credential_only_after(env):
    env.run()
    old, version = env.bao_secret()
    result = env.run('rotate')
    new, later = env.bao_secret()
    assert result['rotated'] and new['jama_client_id'] != old['jama_client_id'] and later > version
    assert old['jama_client_id'] not in [cred['clientId'] for cred in env.credentials()]
    env.assert_agree()


def test_check_mode_reads_and_never_writes(env, openbao):
    result = env.run(check_mode=True)
    assert result['changed'] and env.bao_secret() == ({}, 0)
    env.run()
    before = len(operations(openbao, env.bao_path))
    env.run(check_mode=True)
    assert [op for op, _path in operations(openbao, env.bao_path)[before:] if op not in ('read', 'list')] == []


def test_another_jobs_write_is_detected_by_the_server_and_nothing_it_may_use_is_deleted(env, openbao):
    env.run()
    original = env.bao_secret()[0]['jama_client_id']

    def other_job(write_number):
        if write_number == 1:  # another job writes the secret between this run's read and its first write
            data, version = env.bao_secret()
            kv = openbao.root().secrets.kv.v2
            kv.create_or_update_secret(env.bao_path, secret=dict(data, note='other job'), cas=version,
                                       mount_point='secret')
    env.hooks.__init__()
    env.hooks.before_write = other_job
    error = expect_failure(env, 'rotate')
    assert error.reason == 'store_conflict' and error.heals_on_next_run, error.message
    data = env.bao_secret()[0]
    assert data.get('note') == 'other job' and data['jama_client_id'] == original
    assert original in [cred['clientId'] for cred in env.credentials()]
    env.hooks.before_write = None
    env.run('rotate')
    env.assert_agree()


def test_the_audit_log_holds_values_only_hmacd(env, openbao):
    env.run()
    env.run('rotate')
    secrets = env.emulator.admin('GET', '/secrets')
    with open(openbao.audit_log, encoding='utf-8') as handle:
        text = handle.read()
    assert env.bao_path in text
    assert [secret for secret in secrets['issued'] if secret in text] == []


def test_a_kv_version_1_mount_is_refused_before_anything_is_read_or_written(env, openbao):
    root = openbao.root()
    if 'kv1/' not in root.sys.list_mounted_secrets_engines()['data']:
        root.sys.enable_secrets_engine('kv', path='kv1', options={'version': '1'})
    store = HashiVaultStore(env.bao_options(token='jama-connect-tests-root', mount='kv1'), NAMES)
    with pytest.raises(errors.ConfigurationError) as raised:
        store.read()
    assert 'not a KV version 2' in raised.value.message and 'kv1' in raised.value.message


@pytest.mark.parametrize('change, reason', [
    ({'token': 'not-a-token'}, 'authentication'),
    ({'mount': 'nothing-mounted-here'}, 'configuration'),
    ({'url': 'http://127.0.0.1:9'}, 'unreachable'),
])
def test_a_wrong_token_mount_or_address_is_refused_naming_it(env, change, reason):
    store = HashiVaultStore(env.bao_options(**change), NAMES)
    with pytest.raises(errors.JamaConnectError) as raised:
        store.read()
    assert raised.value.reason == reason, raised.value.message


def test_a_policy_without_the_path_is_denied_with_the_fix(env, openbao):
    _other_path, token = openbao.place()
    store = HashiVaultStore(env.bao_options(token=token), NAMES)
    with pytest.raises(errors.JamaConnectError) as raised:
        store.read()
    assert 'permission denied' in raised.value.message and '<mount>/data/<path>' in raised.value.hint


def test_two_overlapping_rotations_of_one_environment_one_wins_and_the_next_run_agrees(env, emulator, openbao,
                                                                                       tmp_path):
    env.run()
    original = env.bao_secret()[0]['jama_client_id']
    # A second job on the same environment and secret (another controller node, a second schedule).
    other = Environment(emulator, tmp_path / 'other', store='openbao', openbao=openbao)
    other.bao_path, other.bao_token = env.bao_path, env.bao_token
    (tmp_path / 'other').mkdir()
    won = []

    def the_other_rotates_first(write_number):
        if write_number == 1:  # this job has read the secret; the other job's whole rotation happens now
            won.append(other.run('rotate'))
    env.hooks.__init__()
    env.hooks.before_write = the_other_rotates_first
    error = expect_failure(env, 'rotate')
    assert won and won[0]['rotated'] and error.reason == 'store_conflict' and error.heals_on_next_run
    assert 'another job wrote the secret' in error.message
    winner = env.bao_secret()[0]['jama_client_id']
    assert winner == won[0]['credential']['client_id'] != original
    env.hooks.before_write = None
    again = env.run()
    assert not again['changed'], again['actions']
    assert env.assert_agree() == winner
    assert [cred['clientId'] for cred in env.credentials()] == [winner]


@pytest.mark.parametrize('raised, reason, heals', [
    ('conflict', 'conflict', True),
    ('sealed', 'server_error', True),
    ('throttled', 'server_error', True),
    ('denied', 'authentication', False),
    ('tls', 'tls', False),
    ('refused', 'unreachable', True),
    ('wait too long', 'rate_limited', True),
])
def test_hvac_errors_are_typed_by_their_class_never_by_the_path_in_their_text(raised, reason, heals):
    import hvac.exceptions as hvac_errors
    import requests
    from ansible_collections.jama.connect.plugins.module_utils.http_session import RetryAfterTooLong
    from ansible_collections.jama.connect.plugins.plugin_utils.stores.hashi_vault import translated
    url = 'on post https://vault.example.com/v1/secret/data/jama/roles/prod'  # "role" in the path: not a login
    error = {
        'conflict': hvac_errors.InvalidRequest('check-and-set parameter did not match the current version, ' + url,
                                               errors=['check-and-set parameter did not match the current version']),
        'sealed': hvac_errors.VaultDown('Vault is sealed, ' + url),
        'throttled': hvac_errors.RateLimitExceeded('rate limited, ' + url),
        'denied': hvac_errors.Forbidden('permission denied, ' + url),
        'tls': requests.exceptions.SSLError('certificate verify failed'),
        'refused': requests.exceptions.ConnectionError('connection refused'),
        # The retry policy (module_utils/http_session.py) refuses to wait for a Retry-After over its cap.
        'wait too long': RetryAfterTooLong(600, 60),
    }[raised]
    found = translated(error, 'writing the Vault secret secret/jama/roles/prod')
    assert (found.reason, found.heals_on_next_run) == (reason, heals), found.message


def test_an_approle_login_reads_and_writes_and_its_token_is_revoked_at_the_end(env, openbao):
    root = openbao.root()
    if 'approle/' not in root.sys.list_auth_methods()['data']:
        root.sys.enable_auth_method('approle')
    name = env.bao_path.replace('/', '-')
    root.auth.approle.create_or_update_approle(name, token_policies=[name], token_ttl='15m')
    role_id = root.auth.approle.read_role_id(name)['data']['role_id']
    secret_id = root.auth.approle.generate_secret_id(name)['data']['secret_id']
    store = HashiVaultStore(env.bao_options(token=None, role_id=role_id, secret_id=secret_id), NAMES)
    assert store.read() == {}
    store.write({'jama_client_id': 'cid', 'jama_client_secret': 'approle-test-secret'})
    token = store.client.token
    store.close()
    assert env.bao_secret() == ({'jama_client_id': 'cid', 'jama_client_secret': 'approle-test-secret',
                                 'managed_by': 'jama.connect'}, 1)
    import hvac
    with pytest.raises(hvac.exceptions.Forbidden):
        hvac.Client(url=openbao.url, token=token).auth.token.lookup_self()
    wrong = HashiVaultStore(env.bao_options(token=None, role_id=role_id, secret_id='not-the-secret-id'), NAMES)
    with pytest.raises(errors.AuthenticationError) as raised:
        wrong.read()
    assert 'role_id and secret_id' in raised.value.hint


# --- TLS and namespaces, against the servers themselves ---------------------------------------------------------
def test_over_tls_the_store_trusts_the_ca_given_and_refuses_a_server_it_cannot_verify(openbao_tls, monkeypatch):
    path, token = openbao_tls.place()
    options = {'url': openbao_tls.url, 'token': token, 'mount': 'secret', 'path': path, 'ca_path': openbao_tls.ca_file}
    store = HashiVaultStore(options, NAMES)
    store.read()
    store.write({'jama_client_id': 'tls-id', 'jama_client_secret': 'tls-secret'})
    # VAULT_CACERT, as an Automation Platform credential injects it, through the option table.
    monkeypatch.setenv('VAULT_CACERT', openbao_tls.ca_file)
    resolved = resolve_hashi_vault({'hashi_vault': dict(options, ca_path=None)})
    assert HashiVaultStore(resolved, NAMES).read()['jama_client_id'] == 'tls-id'
    monkeypatch.delenv('VAULT_CACERT')
    with pytest.raises(errors.TlsError) as raised:
        HashiVaultStore(dict(options, ca_path=None), NAMES).read()
    assert not raised.value.heals_on_next_run and 'ca_path' in raised.value.hint
    # validate_certs false: the operator's explicit choice (a lab), read as asked.
    assert HashiVaultStore(dict(options, ca_path=None, validate_certs=False), NAMES).read()['jama_client_id'] == 'tls-id'


def test_in_a_namespace_the_secret_is_written_there_and_a_wrong_namespace_names_the_option(openbao):
    namespace = openbao.namespace('team-jama')
    path, token = openbao.place(namespace=namespace)
    options = {'url': openbao.url, 'token': token, 'mount': 'secret', 'path': path, 'namespace': namespace}
    store = HashiVaultStore(options, NAMES)
    store.read()
    store.write({'jama_client_id': 'ns-id', 'jama_client_secret': 'ns-secret'})
    inside = openbao.root(namespace).secrets.kv.v2.read_secret_version(path, mount_point='secret',
                                                                       raise_on_deleted_version=True)
    assert inside['data']['data']['jama_client_id'] == 'ns-id'
    with pytest.raises(hvac_errors.InvalidPath):  # not in the root namespace
        openbao.root().secrets.kv.v2.read_secret_version(path, mount_point='secret', raise_on_deleted_version=True)
    with pytest.raises(errors.ConfigurationError) as raised:
        HashiVaultStore(dict(options, namespace='no-such-team'), NAMES).read()
    assert 'hashi_vault.namespace no-such-team: the server has no such namespace' in raised.value.message
    # The namespace left out: the root namespace has no such secret for this token, and the message says where to look.
    with pytest.raises(errors.ConfigurationError) as raised:
        HashiVaultStore(dict(options, namespace=None), NAMES).read()
    assert 'in the namespace root: hashi_vault.namespace' in raised.value.message


# --- the role's action, when the store refuses before the engine exists -------------------------------------------
def test_a_store_refusing_before_the_engine_exists_fails_typed_with_its_http_status_apart(env):
    from ansible_collections.jama.connect.plugins.action.oauth_connector_reconcile import failed
    from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.report import failure_headline
    store = HashiVaultStore(env.bao_options(token='not-a-token'), NAMES)
    with pytest.raises(errors.AuthenticationError) as raised:
        store.read()
    result = {}
    failed(result, raised.value, None)
    assert result['status'] == {} and result['http_status'] == 403
    assert result['reason'] == 'authentication' and result['outcome'] == 'operator_must_act'
    assert 'Fix: the token is wrong or expired' in result['msg']
    assert failure_headline('dev', result['reason'], False, result['status']) == \
        'dev: failed (authentication), a person must act'


def test_a_throttled_vault_call_is_retried_and_reported_like_jamas(env, openbao):
    """A rate-limit quota of one read in two seconds on this secret: the second read, at once, answers 429 and is
    tried again after the collection's backoff (3 s; OpenBao sends no Retry-After), in the next window, and the store's
    retries say so as an HTTP session's do."""
    root = openbao.root()
    quota = 'jama-test-%s' % env.bao_path.replace('/', '-')
    root.adapter.post('/v1/sys/quotas/rate-limit/' + quota,
                      json={'path': 'secret/data/' + env.bao_path, 'rate': 1, 'interval': '2s'})
    try:
        store = HashiVaultStore(env.bao_options(), NAMES)
        store.read()
        assert store.retries == []
        store._data = None  # read again at once, as a second task would
        store.read()
    finally:
        root.adapter.delete('/v1/sys/quotas/rate-limit/' + quota)
    assert [(entry['method'], entry['status']) for entry in store.retries] == [('GET', 429)]
    assert store.retries[0]['path'] == '/v1/secret/data/' + env.bao_path


def test_a_running_jobs_record_is_written_back_before_its_credential_is_deleted_so_that_job_is_refused(env, openbao):
    """Job B wrote its record of a create and Jama made the credential; before B stores the secret, this run reads
    the record (it cannot tell B from a killed run) and deletes B's credential as lost. It writes the record back
    first, with check-and-set, so B's next write is refused: B cannot store a credential that no longer exists."""
    from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.model import marker
    env.run()
    data, version = env.bao_secret()
    running = 'jci-oauth-running-job'
    state = dict(data['jama_credential_state'], pending={'name': running, 'replaces': data['jama_client_id']})
    kv = openbao.root().secrets.kv.v2
    b_version = kv.create_or_update_secret(env.bao_path, secret=dict(data, jama_credential_state=state),
                                           cas=version)['data']['version']
    made = env.create_credential(running, marker(env.emulator.jci_url, 'Jama Connect'))
    env.emulator.admin('DELETE', '/requests')
    deleted_by_write = []
    env.hooks.before_write = lambda number: deleted_by_write.append(any(
        entry['operation'].startswith('delete') for entry in env.emulator.request_log('jama')))
    env.run()  # this run settles B's record: B's credential goes
    assert made['clientId'] not in [cred['clientId'] for cred in env.credentials()]
    # The first write of the run (the record written back) came before the delete, which came before the last.
    assert deleted_by_write[0] is False and deleted_by_write[-1] is True, deleted_by_write
    after = env.bao_secret()[0]
    with pytest.raises(hvac_errors.InvalidRequest, match='check-and-set'):
        # B stores its secret against the version it wrote: refused.
        kv.create_or_update_secret(env.bao_path, secret=dict(data, jama_client_id=made['clientId']), cas=b_version)
    assert env.assert_agree() == after['jama_client_id'] == data['jama_client_id']


def test_a_token_without_the_metadata_can_confirm_and_finish_a_write_it_started(env, openbao):
    """The version check before a delete reads the data, which the policy must allow anyway: a token without read on
    the metadata finishes what it started (the metadata is read only to tell a missing secret from a deleted one)."""
    env.run()  # the secret exists
    root = openbao.root()
    name = 'data-only-' + env.bao_path.replace('/', '-')
    root.sys.create_or_update_policy(name, 'path "secret/data/%s" { capabilities = ["create", "read", "update"] }\n'
                                     % env.bao_path)
    token = root.auth.token.create(policies=[name], ttl='10m')['auth']['client_token']
    store = HashiVaultStore(env.bao_options(token=token), NAMES)
    store.read()
    store.write({'jama_client_id': store.read()['jama_client_id']})
    store.confirm()  # no metadata read: no 403
    kv = openbao.root().secrets.kv.v2
    kv.create_or_update_secret(env.bao_path, secret={'other': 'job'}, cas=store.where()['version'])
    with pytest.raises(errors.ConflictError, match='another job changed it'):
        store.confirm()


def test_an_https_url_for_a_plain_http_server_names_the_scheme(env, openbao):
    store = HashiVaultStore(env.bao_options(url=openbao.url.replace('http://', 'https://')), NAMES)
    with pytest.raises(errors.TlsError) as raised:
        store.read()
    assert "hashi_vault.url's scheme" in raised.value.hint
