"""The reconciler's decisions against the emulator, including the regression tests for the observations of the
role-as-reconciler issue (numbered as there)."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

import pytest

from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.checks import (
    check_options, validation_failure, with_role_variables)
from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.module_utils.reconcile_options import argument_spec
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.model import Settings
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.plan import connector_drift
from ansible_collections.jama.connect.tests.unit.plugins.plugin_utils.reconcile_env import (
    CONNECTOR, JAMA_ADMIN, JCI_ADMIN, SERVICE, Environment, expect_failure)
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

AGENT = 'jama.connect-ansible-collection'


@pytest.fixture
def env(emulator, tmp_path):
    return Environment(emulator, tmp_path)


def client_calls(emulator):
    """The calls the collection made (JCI's own calls to Jama during its test are not ours)."""
    return [(entry['system'], entry['operation']) for entry in emulator.request_log() if entry['agent'] == AGENT]


def state_of(env):
    # A connector's lastTest is JCI's record of its test, which check runs on purpose.
    connectors = [dict((key, value) for key, value in conn.items() if key != 'lastTest') for conn in env.connectors()]
    return (sorted(cred['clientId'] for cred in env.credentials()), connectors, env.vault_data())


def test_first_run_creates_verifies_and_the_second_makes_four_calls_and_no_change(env, emulator):
    first = env.run()
    assert first['changed'] and first['verified']
    client_id = env.assert_agree()
    assert env.mine()[0]['name'].startswith('jci-oauth-')
    emulator.admin('DELETE', '/requests')
    second = env.run()
    assert not second['changed'] and second['verified'] and second['actions'] == []
    # Two calls, and two reads of the service user's credentials for the status (an administrator is configured).
    assert client_calls(emulator) == [('jci', 'listConnectors'), ('jci', 'testConnector'), ('jama', 'getUsers'),
                                      ('jama', 'getUserApiCredentials')]
    assert second['credential']['client_id'] == client_id


def test_check_mode_first_run_changes_nothing_anywhere(env):
    before = state_of(env)
    result = env.run(check_mode=True)
    assert result['changed'] and not result['verified']
    assert result['actions'] and all(action.startswith('would') for action in result['actions'])
    assert state_of(env) == before


def test_check_mode_of_a_converged_environment_reports_no_change(env):
    env.run()
    result = env.run(check_mode=True)
    # Nothing was verified: check mode runs no test and requests no token; it reports JCI's last recorded test.
    assert not result['changed'] and not result['verified']
    assert result['jci_test']['run'] is False and result['jci_test']['success'] is True
    assert 'JCI test not run (check mode; last recorded: passed), conditions clear' in result['headline']


# Observation 2: Jama has the credential but the vault file lacks its secret.
def test_obs2_lost_secret_is_replaced_and_the_unusable_credential_deleted(env):
    env.run()
    lost = env.vault_data()['jama_client_id']
    env.write_vault({'jama_client_id': lost, 'jama_client_secret': None})
    result = env.run()
    assert result['changed'] and result['verified']
    new = env.assert_agree()
    assert new != lost and lost not in [cred['clientId'] for cred in env.credentials()]


def test_obs2_lost_secret_without_create_fails_naming_file_and_fix_and_changes_nothing(env):
    env.run()
    env.write_vault({'jama_client_secret': None})
    before = state_of(env)
    error = expect_failure(env, create_credential=False)
    assert env.vault_path in error.message and 'jama_client_secret' in error.message
    assert 'oauth_connector_create_credential=true' in error.hint and 'jama.connect.rotate' in error.hint
    assert state_of(env) == before


# Observation 3: a vault file naming a credential Jama no longer has must not reach a working connector.
def test_obs3_dead_credential_never_reaches_a_working_connector(env):
    env.run()
    working = env.connector()
    dead = env.create_credential('soon-gone')
    env.delete_credential(dead['clientId'])
    env.write_vault({'jama_client_id': dead['clientId'], 'jama_client_secret': dead['clientSecret']})
    error = expect_failure(env, create_credential=False)
    assert 'no longer works' in error.message
    assert env.connector()['clientId'] == working['clientId']
    assert env.emulator.jci('POST', '/api/v1/connectors/%d/test' % working['id']).json()['data']['success']


def test_obs3_credential_of_another_user_never_reaches_the_connector(env, emulator):
    env.run()
    working = env.connector()
    admins = emulator.jama('POST', '/rest/v1/users/current/apicredentials', auth=JAMA_ADMIN,
                           json={'name': 'admin-own'}).json()['data']
    env.write_vault({'jama_client_id': admins['clientId'], 'jama_client_secret': admins['clientSecret']})
    error = expect_failure(env, create_credential=False)
    assert 'belongs to jama_admin, not to the JCI service account jci_service' in error.message
    assert env.connector()['clientId'] == working['clientId']


def test_a_failing_jci_test_of_a_converged_environment_is_diagnosed_directly(env, emulator):
    env.run()
    # JCI's test asks Jama for users/current with the token it keeps; Jama fails it (a 500 is not retried).
    emulator.fault(kind='status', system='jama', operation='getCurrentUser', status=500, count=1)
    error = expect_failure(env)
    assert 'itself works against Jama' in error.message
    env.assert_agree()


def test_a_locked_service_account_stops_the_run_without_replacing_the_credential(env, emulator):
    env.run()
    before = sorted(cred['clientId'] for cred in env.credentials())
    emulator.admin('POST', '/users/jci_service/lock')
    error = expect_failure(env)
    assert 'locked' in error.message
    assert sorted(cred['clientId'] for cred in env.credentials()) == before


# Observation 4 lives in test_reconcile_faults.py; these are rotation's decisions.
def test_rotation_replaces_verifies_then_deletes_the_old_credential(env):
    env.run()
    old = env.vault_data()['jama_client_id']
    result = env.run('rotate')
    assert result['changed'] and result['verified']
    new = env.assert_agree()
    assert new != old and old not in [cred['clientId'] for cred in env.credentials()]
    assert result['cleaned_up']


def test_rotation_whose_jci_test_fails_goes_back_to_the_old_credential(env, emulator):
    env.run()
    old = env.vault_data()['jama_client_id']
    # The JCI test's own token request is the third token request of the rotation (old, new, then JCI's).
    emulator.fault(kind='status', system='jama', operation='createOAuthToken', status=401, count=1, skip=2)
    error = expect_failure(env, 'rotate')
    assert 'back on the previous credential %s' % old in error.message
    assert env.assert_agree() == old
    assert len(env.credentials()) == 1


def test_rotation_of_a_hand_made_credential_deletes_it_once_replaced(env):
    hand_made = env.create_credential('jci-by-hand')
    env.write_vault({'jama_client_id': hand_made['clientId'], 'jama_client_secret': hand_made['clientSecret']})
    env.run(create_credential=False)
    assert env.mine() == []  # configure never claims a credential it did not make
    env.run('rotate')
    assert hand_made['clientId'] not in [cred['clientId'] for cred in env.credentials()]
    env.assert_agree()


def test_configure_leaves_credentials_it_did_not_make_alone(env):
    env.run()
    other = env.create_credential('someone-elses')
    env.write_vault({'jama_client_secret': None})
    env.run()
    assert other['clientId'] in [cred['clientId'] for cred in env.credentials()]


# Observation 5: migrate rolls back only to a Basic password it has just verified.
@pytest.mark.parametrize('password, rolled_back', [('wrong-password', False), (SERVICE[1], True)])
def test_obs5_migrate_rolls_back_only_to_a_verified_basic_password(env, emulator, password, rolled_back):
    env.create_connector(authenticationType='basic', username=SERVICE[0], password=SERVICE[1])
    # The first token request is the direct check of the new credential; the second is JCI's test.
    emulator.fault(kind='status', system='jama', operation='createOAuthToken', status=401, count=1, skip=1)
    emulator.admin('DELETE', '/requests')
    error = expect_failure(env, 'migrate', basic_password=password)
    conn = env.connector()
    basic_logins = [entry for entry in emulator.request_log('jama')
                    if entry['auth'] == 'basic' and entry['user'] == SERVICE[0] and entry['agent'] == AGENT]
    assert len(basic_logins) == 1
    if rolled_back:
        assert conn['authenticationType'] == 'basic' and 'back on Basic' in error.message
    else:
        assert conn['authenticationType'] == 'oauth' and 'NOT put back on Basic' in error.message
        assert 'back on Basic authentication' not in error.message


def test_migrate_moves_every_basic_connector_of_this_jama_and_leaves_others(env):
    env.create_connector(authenticationType='basic', username=SERVICE[0], password=SERVICE[1])
    env.create_connector(name='second', authenticationType='basic', username=SERVICE[0], password=SERVICE[1])
    env.create_connector(name='elsewhere', url='https://other.example.com', authenticationType='basic',
                         username=SERVICE[0], password=SERVICE[1])
    result = env.run('migrate')
    assert sorted(result['migrated']) == [CONNECTOR, 'second']
    auth = dict((conn['name'], conn['authenticationType']) for conn in env.connectors())
    assert auth == {CONNECTOR: 'oauth', 'second': 'oauth', 'elsewhere': 'basic'}
    again = env.run('migrate')
    assert not again['changed'] and again['migrated'] == []


def test_migrate_with_no_connector_for_this_jama_fails_clearly(env):
    error = expect_failure(env, 'migrate')
    assert 'nothing to migrate' in error.message and 'jama.connect.configure' in error.hint
    assert env.credentials() == []


# Observation 6 (entry points in one play) is a playbook test; check's own verdicts are here.
def test_check_is_healthy_after_configure_and_reads_only(env, emulator):
    env.run()
    before = state_of(env)
    result = env.run('check')
    assert result['verified'] and result['problems'] == []
    assert state_of(env) == before


def test_check_reports_a_missing_connector_a_mismatch_and_an_unfinished_change(env, emulator):
    env.run()
    conn = env.connector()
    emulator.jci('DELETE', '/api/v1/connectors/%d' % conn['id'])
    error = expect_failure(env, 'check')
    assert 'no connector named "%s"' % CONNECTOR in error.message
    env.run()
    env.write_vault({'jama_credential_state': {'retire': ['x']}})
    error = expect_failure(env, 'check')
    assert 'still to delete' in error.message


def test_check_never_tests_a_basic_connector(env, emulator):
    env.create_connector(authenticationType='basic', username=SERVICE[0], password='wrong')
    emulator.admin('DELETE', '/requests')
    error = expect_failure(env, 'check', create_credential=False)
    assert 'still uses Basic' in error.message
    assert ('jci', 'testConnector') not in client_calls(emulator)


# Observation 7: everything is checked before the first write.
def test_obs7_wrong_jci_password_is_found_before_any_credential_is_created(env, emulator):
    env.jci_auth = ('jci_admin', 'wrong')
    engine = env.engine()
    engine.jci.session.auth = ('jci_admin', 'wrong')
    with pytest.raises(errors.AuthenticationError):
        engine.run()
    assert env.credentials() == [] and env.vault_data() == {}


def options(**values):
    args = dict({'jama_url': 'https://jama.example.com', 'vault_file': '/tmp/x.vault.yml',
                 'jci': {'url': 'https://jci.example.com', 'username': 'a', 'password': 'b'}}, **values)
    result = ArgumentSpecValidator(argument_spec()).validate(args)
    assert not result.error_messages, result.error_messages
    return result.validated_parameters


@pytest.mark.parametrize('values, fragment', [
    ({'connector_name': ''}, 'connector_name (role: oauth_connector_name) must be a non-empty name'),
    ({'connector_name': '   '}, 'connector_name (role: oauth_connector_name) must be a non-empty name'),
    ({'connector_name': 'x' * 101}, 'JCI allows at most 100'),
    ({'credential_name': 'x' * 90}, 'credential_name (role: oauth_connector_credential_name) may be at most 78'),
    ({'service_user': ''}, 'service_user (role: oauth_connector_service_user)'),
    ({'jci': {}}, 'the JCI connection is incomplete'),
    ({'jci': {'url': 'jci.example.com', 'username': 'a', 'password': 'b'}}, 'absolute http(s) URL'),
    ({'jama_url': 'ftp://jama.example.com'}, 'absolute http(s) URL'),
    ({'client_secret_var': 'jama_client_id'}, 'three different variable names'),
    ({'client_secret_var': 'not a var-name!'}, 'must be a variable name'),
    ({'client_id': 'abc'}, 'set both client_id'),
    ({'client_id': 'abc', 'client_secret': 'def'}, 'not both: the credential in use must be the one the vault file'),
    ({'vault_file': None}, 'set vault_file (role: oauth_connector_vault_file)'),
    ({'create_credential': True}, 'needs a Jama administrator'),
    ({'flow': 'rotate', 'vault_file': None, 'client_id': 'a', 'client_secret': 'b'}, 'rotation needs vault_file'),
    ({'jama_ca_path': '/nonexistent/ca.pem'}, 'jama_ca_path (role: oauth_connector_jama_ca_path): no such file'),
    ({'jama_timeout': 10 ** 12}, 'must be between 1 and 600 seconds'),
    ({'controller_credential': {'name': 'c', 'organization': 'o'}},
     'controller_credential (role: oauth_connector_controller_credential) needs the automation controller connection'),
    ({'controller_credential': {'name': 'c'}, 'vault_file': None},
     'controller_credential.organization is required'),
    ({'controller_credential': {'name': 'c', 'organization': 'o'}, 'vault_file': None},
     'needs the automation controller connection'),
    ({'controller_credential': {'name': 'c', 'organization': 'o'}, 'vault_file': None,
      'controller': {'url': 'controller.example.com', 'token': 't'}}, 'controller (role: oauth_connector_controller).url'),
    ({'credential_state': '{"pending": {"name": "jci-oauth-x"}}'}, 'records unfinished work of an earlier job'),
    ({'credential_state': 'not json'}, 'is not a record jama.connect wrote'),
    ({'client_from_credential': True}, 'this job was given a "Jama Connect OAuth client" credential'),
    ({'client_from_credential': True, 'controller_credential': {'name': 'c', 'organization': 'o'}},
     'A job that attaches the copy (a scheduled check) uses it as given'),
    ({'hashi_vault': {'url': 'http://127.0.0.1:8200', 'token': 't', 'path': 'jama/dev'}},
     'set either hashi_vault (role: oauth_connector_hashi_vault) or vault_file'),
    ({'hashi_vault': {'token': 't', 'path': 'jama/dev'}, 'vault_file': None},
     'hashi_vault (role: oauth_connector_hashi_vault).url is required: set it, or the environment variable VAULT_ADDR'),
    ({'hashi_vault': {'url': 'http://127.0.0.1:8200', 'token': 't', 'path': 'secret/data/jama/dev'}, 'vault_file': None},
     "must be the secret's path in the mount"),
    ({'hashi_vault': {'url': 'http://127.0.0.1:8200', 'token': 't'}, 'vault_file': None},
     "must be the secret's path in the mount"),
    ({'hashi_vault': {'url': 'http://127.0.0.1:8200', 'path': 'jama/dev'}, 'vault_file': None},
     'needs a token, or role_id and secret_id'),
    ({'hashi_vault': {'url': 'http://127.0.0.1:8200', 'token': 't', 'path': 'jama/dev', 'timeout': 0},
      'vault_file': None}, 'hashi_vault (role: oauth_connector_hashi_vault).timeout must be a whole number of seconds '
                           'between 1'),
    ({'hashi_vault': {'url': 'http://127.0.0.1:8200/v1', 'token': 't', 'path': 'jama/dev'}, 'vault_file': None},
     "hashi_vault (role: oauth_connector_hashi_vault).url is the server's address without /v1"),
    ({'hashi_vault': {'url': 'http://127.0.0.1:8200', 'token': 't', 'path': 'jama/dev', 'ca_path': '/nonexistent/ca'},
      'vault_file': None}, 'hashi_vault (role: oauth_connector_hashi_vault).ca_path: no such file /nonexistent/ca'),
    ({'flow': 'rotate', 'vault_file': None, 'client_id': 'a', 'client_secret': 'b'},
     'or hashi_vault (role: oauth_connector_hashi_vault)'),
])
def test_obs7_bad_options_are_refused_before_any_call(values, fragment):
    with pytest.raises(errors.ConfigurationError) as raised:
        check_options(options(**values))
    assert fragment in raised.value.message


@pytest.mark.parametrize('args, expected', [
    ({'create_credential': 'perhaps'}, "argument 'create_credential' (role: oauth_connector_create_credential) is of type"),
    ({'verify_ssl': 'maybe'}, "argument 'verify_ssl' (role: oauth_connector_verify_ssl)"),
    ({'jama': {'url': 'https://j', 'timeout': 'soon'}}, "found in 'jama' (role: oauth_connector_jama_admin)"),
    ({'jama_url': None, 'connector_name': None}, 'missing required arguments: jama_url (role: oauth_connector_jama_url)'),
    ({'jama': {'url': 'https://j', 'bogus': 1}}, 'Supported parameters include: ca_path, client_id, client_secret'),
])
def test_validator_messages_name_the_role_variable(args, expected):
    # The playbooks skip the role's argument-spec pass: the action's own messages must name the role variable.
    given = dict({'jama_url': 'https://jama.example.com'}, **args)
    validated = ArgumentSpecValidator(argument_spec()).validate(dict((k, v) for k, v in given.items() if v is not None))
    assert validated.error_messages
    assert any(expected in with_role_variables(message) for message in validated.error_messages)


def test_the_action_checks_every_role_variable_the_argument_spec_checks():
    # What the role's argument spec types, the action's spec types the same way (or stricter), and every such
    # option has a role variable name for its messages; so skipping the spec pass loses no check.
    import os
    import yaml
    from ansible_collections.jama.connect.plugins.module_utils.reconcile_options import ROLE_VARIABLES
    root = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..')
    with open(os.path.join(root, 'roles', 'oauth_connector', 'meta', 'argument_specs.yml')) as handle:
        specs = yaml.safe_load(handle)['argument_specs']
    by_variable = dict((variable, option) for option, variable in ROLE_VARIABLES.items())
    action = argument_spec()
    for entry, spec in specs.items():
        for variable, definition in spec['options'].items():
            if variable in ('oauth_connector_report_dir', 'oauth_connector_owner'):
                continue  # jama.connect.fleet_report's options (test_reconcile_options.py checks them)
            option = by_variable.get(variable)
            assert option in action, '%s (%s) has no action option named for it' % (variable, entry)
            assert action[option].get('type', 'str') == definition.get('type', 'str'), variable
            assert sorted(action[option].get('choices') or []) == sorted(definition.get('choices') or []), variable
            assert action[option].get('required', False) >= definition.get('required', False), variable


@pytest.mark.parametrize('status', [429, 503])
def test_a_jci_test_failed_by_jama_throttling_or_failing_is_run_again_with_backoff(env, emulator, status):
    from ansible_collections.jama.connect.plugins.module_utils.jci_client import JciClient
    env.run()
    conn = env.connector()
    # JCI's test asks Jama for users/current with the token it keeps; Jama answers it once with the status.
    emulator.fault(kind='status', system='jama', operation='getCurrentUser', status=status, count=1)
    waits = []
    client = JciClient(env.session(emulator.jci_url, JCI_ADMIN))
    outcome = client.test_connector(conn['id'], sleep=waits.append)
    assert outcome['success'] and len(waits) == 1 and 3 <= waits[0] <= 3.75
    assert client.session.retries[0]['status'] == status


def test_a_jci_test_failed_for_another_reason_is_not_run_again(env, emulator):
    from ansible_collections.jama.connect.plugins.module_utils.jci_client import JciClient
    env.run()
    conn = env.connector()
    emulator.fault(kind='status', system='jama', operation='getCurrentUser', status=500, count=1)
    waits = []
    outcome = JciClient(env.session(emulator.jci_url, JCI_ADMIN)).test_connector(conn['id'], sleep=waits.append)
    assert not outcome['success'] and outcome['jamaStatus'] == 500 and waits == []


# Issue "The engine as a house", behaviour 4: with Jama at 1 call/s, JCI's test failed on a relayed 429 on every run
# (every try asked Jama for a token and users/current within the same second).
def test_with_jama_at_one_call_a_second_a_converged_run_passes_after_one_wait(env, emulator):
    created = env.create_credential('by-hand')
    env.write_vault({'jama_client_id': created['clientId'], 'jama_client_secret': created['clientSecret']})
    env.create_connector(authenticationType='oauth', clientId=created['clientId'],
                         clientSecret=created['clientSecret'])  # never tested: JCI holds no token for it yet
    emulator.admin('PUT', '/ratelimit', {'perSecond': 1})
    engine = env.engine()
    result = engine.run()
    assert not result['changed'] and result['verified'] and result['jci_test']['success']
    assert [entry['status'] for entry in engine.jci.session.retries] == [429]


def test_a_create_that_timed_out_after_jama_acted_is_named_and_healed_by_the_next_run(env, emulator):
    emulator.fault(kind='latency', system='jama', operation='createUserApiCredential', ms=1500, count=1,
                   when='after')
    engine = env.engine(admin_timeout=1)
    with pytest.raises(errors.JamaConnectError) as raised:
        engine.run()
    assert 'Jama may have created it' in raised.value.message
    assert 'the next run deletes that credential if it exists' in raised.value.message
    orphan = env.vault_data()['jama_credential_state']['pending']['name']
    assert [cred['name'] for cred in env.credentials()] == [orphan]
    result = env.run()
    assert result['verified'] and orphan in result['cleaned_up']
    env.assert_agree()
    # The emulator logs the late call only once its answer went out: wait for it, so it does not land in the
    # request log of a later test.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and len([entry for entry in emulator.request_log()
                                               if entry['operation'] == 'createUserApiCredential']) < 2:
        time.sleep(0.05)  # poll interval of a bounded wait for the log entry


# The calls each entry point makes, counted from the emulator's request log: any extra call fails.
TOKEN, CURRENT = ('jama', 'createOAuthToken'), ('jama', 'getCurrentUser')
LIST, TEST = ('jci', 'listConnectors'), ('jci', 'testConnector')


def vault_holds_a_credential(env):
    cred = env.create_credential('by-hand')
    env.write_vault({'jama_client_id': cred['clientId'], 'jama_client_secret': cred['clientSecret']})
    return cred


# With a Jama administrator, each run lists the service user's credentials once (USERS, LISTED) for its status
# and the role's orphans: a list made before a create is made again, one made before a delete is not.
USERS, LISTED = ('jama', 'getUsers'), ('jama', 'getUserApiCredentials')


@pytest.mark.parametrize('case, expected', [
    ('first run, credential in the vault file', [LIST, TOKEN, CURRENT, ('jci', 'createConnector'), TEST, USERS, LISTED]),
    ('first run, credential created', [LIST, USERS, ('jama', 'createUserApiCredential'), TOKEN, CURRENT,
                                       ('jci', 'createConnector'), TEST, LISTED]),
    ('converged', [LIST, TEST, USERS, LISTED]),
    ('check', [LIST, TOKEN, CURRENT, TEST, USERS, LISTED]),
    ('rotate', [LIST, TOKEN, CURRENT, USERS, ('jama', 'createUserApiCredential'), TOKEN, CURRENT,
                ('jci', 'updateConnector'), TEST, LISTED,
                LIST, ('jama', 'deleteUserApiCredential')]),  # no other connector may still use the old one
    ('migrate', [LIST, TOKEN, CURRENT, ('jci', 'updateConnector'), TEST, USERS, LISTED]),
])
def test_each_entry_point_makes_exactly_its_calls(env, emulator, case, expected):
    flow = {'check': 'check', 'rotate': 'rotate', 'migrate': 'migrate'}.get(case, 'configure')
    if case == 'migrate':
        vault_holds_a_credential(env)
        env.create_connector(authenticationType='basic', username=SERVICE[0], password=SERVICE[1])
    elif case != 'first run, credential created':
        vault_holds_a_credential(env)
        if case != 'first run, credential in the vault file':
            env.run()
    emulator.admin('DELETE', '/requests')
    result = env.run(flow)
    assert result['verified']
    assert client_calls(emulator) == expected


# Found by review: each of these broke an invariant before it was fixed.
def test_rotation_keeps_the_old_credential_while_another_connector_uses_it(env):
    env.create_connector(authenticationType='basic', username=SERVICE[0], password=SERVICE[1])
    env.create_connector(name='second', authenticationType='basic', username=SERVICE[0], password=SERVICE[1])
    env.run('migrate')
    shared = env.vault_data()['jama_client_id']
    result = env.run('rotate')
    assert any('kept credential' in action and '"second" still uses it' in action for action in result['actions'])
    second = env.connector('second')
    assert second['clientId'] == shared and shared in [cred['clientId'] for cred in env.credentials()]
    assert env.emulator.jci('POST', '/api/v1/connectors/%d/test' % second['id']).json()['data']['success']
    assert set(env.vault_data()['jama_credential_state']) == {'lifecycle'}  # nothing unfinished


def test_a_create_answered_with_an_error_after_jama_acted_keeps_the_record(env, emulator):
    emulator.fault(kind='status', system='jama', operation='createUserApiCredential', status=500, count=1,
                   when='after')
    error = expect_failure(env)
    assert 'Jama may have created it' in error.message
    pending = env.vault_data()['jama_credential_state']['pending']['name']
    assert [cred['name'] for cred in env.credentials()] == [pending]
    assert pending in env.run()['cleaned_up']
    env.assert_agree()


def test_a_lost_answer_to_the_rollback_is_not_reported_as_certain(env, emulator):
    env.run()
    # The rotation's JCI test fails (JCI's third token request), and the answer to the rollback PATCH is lost.
    emulator.fault(kind='status', system='jama', operation='createOAuthToken', status=401, count=1, skip=2)
    emulator.fault(kind='drop', system='jci', operation='updateConnector', count=1, skip=1, when='after')
    error = expect_failure(env, 'rotate')
    assert 'may be on either credential' in error.message and 'the next run resumes' in error.message
    env.run()
    env.assert_agree()


def test_rotation_replaces_a_client_id_whose_secret_was_lost(env):
    env.run()
    lost = env.vault_data()['jama_client_id']
    env.write_vault({'jama_client_secret': None})
    result = env.run('rotate')
    assert result['verified'] and lost not in [cred['clientId'] for cred in env.credentials()]
    env.assert_agree()


def test_migrate_with_nothing_tested_does_not_claim_verification(env):
    vault = env.create_credential('in-vault')
    other = env.create_credential('other')
    env.write_vault({'jama_client_id': vault['clientId'], 'jama_client_secret': vault['clientSecret']})
    env.create_connector(authenticationType='oauth', clientId=other['clientId'], clientSecret=other['clientSecret'])
    result = env.run('migrate')
    assert not result['verified'] and any('left the OAuth connector' in action for action in result['actions'])


def test_unfinished_work_without_an_administrator_is_named_up_front(env, emulator):
    env.write_vault({'jama_credential_state': {'pending': {'name': 'jci-oauth-x'}}})
    engine = env.engine()
    engine.admin_configured = False
    with pytest.raises(errors.ConfigurationError) as raised:
        engine.run()
    assert 'records unfinished work (credential jci-oauth-x)' in raised.value.message
    assert emulator.request_log() == []


def test_a_second_store_for_the_same_connector_never_deletes_the_first_ones_credential(env, emulator, tmp_path):
    # A mistyped vault file path (or controller credential name) with create_credential: a second, empty store.
    env.run()
    first = env.vault_data()['jama_client_id']
    other = tmp_path / 'mistyped'
    other.mkdir()
    second = Environment(emulator, other)
    taken = second.run()
    assert taken['verified'] and second.vault_data()['jama_client_id'] != first
    assert any(action.startswith('kept credential') and first in action for action in taken['actions'])
    assert env.token_works(first, env.vault_data()['jama_client_secret']), 'the first store\'s credential was broken'
    # The first store's next run moves the connector back to its own credential, and keeps the other's.
    back = env.run()
    assert back['changed'] and env.connector()['clientId'] == first
    assert any(action.startswith('kept credential') for action in back['actions'])


def test_a_missing_jama_url_with_a_controller_store_says_which_credential_injects_it():
    args = {'controller_credential': {'name': 'Jama Connect OAuth (prod)', 'organization': 'Default'}}
    validated = ArgumentSpecValidator(argument_spec()).validate(args)
    message = validation_failure(validated.error_messages, args)
    assert 'missing required arguments: jama_url (role: oauth_connector_jama_url)' in message
    assert 'attach that credential' in message
    assert 'attach that credential' not in validation_failure(validated.error_messages, {})


def test_each_flow_ends_with_one_headline_naming_the_environment_and_its_verdict(env):
    """The line shown at default verbosity (the action displays it): environment, verdict, what it rests on."""
    first = env.run()
    name = first['credential']['name']
    clear = 'conditions clear (age 0 d, 1 of 20 credentials of the service user)'
    assert first['headline'] == ('dev: changed (%d action(s)), credential %s verified against Jama, JCI test passed, '
                                 '%s, -v lists each step' % (len(first['actions']), name, clear))
    client_id = first['credential']['client_id']
    assert env.run()['headline'] == 'dev: converged, no change, credential %s, JCI test passed, %s' % (client_id, clear)
    assert env.run('check')['headline'] == ('dev: healthy, credential %s verified against Jama, JCI test passed, %s'
                                            % (client_id, clear))
    planned = env.run('rotate', check_mode=True)
    assert planned['headline'].startswith('dev: check mode, %d change(s) planned' % len(planned['actions']))
    rotated = env.run('rotate')
    assert rotated['headline'].startswith('dev: rotated (%d action(s)), credential %s verified against Jama, JCI '
                                          'test passed' % (len(rotated['actions']), rotated['credential']['name']))
    assert rotated['credential']['client_id'] != client_id
    assert env.run('migrate')['headline'].startswith('dev: no connector left on Basic')


def everything(env):
    """The three systems with every field a run could touch: the connectors with their last test, JCI's logs, the
    credentials with their last use, and the store."""
    logs = [env.emulator.jci('GET', '/api/v1/connectors/%d/logs' % conn['id']).json()['data']
            for conn in env.connectors()]
    return env.connectors(), logs, env.credentials(), env.vault_data()


# Issue "The engine as a house", behaviour 1: --check POSTed JCI's test (lastTest, two log lines, the credential's
# lastUsedDate in Jama all moved).
@pytest.mark.parametrize('store', ['vault', 'controller', 'mirror'])
@pytest.mark.parametrize('flow', ['configure', 'check', 'rotate', 'migrate'])
def test_check_mode_makes_no_call_but_get_anywhere_and_moves_nothing(emulator, tmp_path, flow, store):
    env = Environment(emulator, tmp_path, store=store)
    env.run()
    emulator.advance_clock(120)  # so a token request would move lastUsedDate visibly
    before = everything(env)
    emulator.admin('DELETE', '/requests')
    result = env.run(flow, check_mode=True)
    methods = sorted(set((entry['method'], entry['system'], entry['operation']) for entry in emulator.request_log()
                         if entry['agent'] == AGENT))
    assert [call for call in methods if call[0] != 'GET'] == [], methods
    assert everything(env) == before
    assert not result['verified']
    if flow in ('configure', 'check'):
        assert not result['changed'] and 'JCI test not run (check mode; last recorded: passed)' in result['headline']


# Issue "The engine as a house", code finding 2: "converged" was defined twice; check called healthy a connector
# whose verifySsl differed from oauth_connector_verify_ssl, which the next configure then changed.
def test_check_and_configure_share_one_converged_a_verify_ssl_drift_is_unhealthy_then_fixed(env):
    env.run()
    conn = env.connector()
    response = env.emulator.jci('PATCH', '/api/v1/connectors/%d' % conn['id'], json={'verifySsl': False})
    assert response.status_code == 200, response.text
    error = expect_failure(env, 'check')
    assert "the connector's certificate verification (verifySsl) is False, but oauth_connector_verify_ssl is True" \
        in error.message
    fixed = env.run()
    assert fixed['changed'] and env.connector()['verifySsl'] is True
    assert env.run('check')['verified']


@pytest.mark.parametrize('changes, drift', [
    ({}, []),
    ({'verifySsl': False}, [('verifySsl', False, True)]),
    ({'url': 'https://jama.example.com/'}, []),
    ({'url': 'https://other.example.com'}, [('url', 'https://other.example.com', 'https://jama.example.com')]),
    ({'clientId': 'other'}, [('clientId', 'other', 'mine')]),
    ({'clientSecretSet': False}, [('clientSecretSet', False, True)]),
    ({'authenticationType': 'basic', 'clientId': None},
     [('authenticationType', 'basic', 'oauth'), ('clientId', None, 'mine')]),
])
def test_connector_drift_is_the_one_definition_of_converged(changes, drift):
    settings = Settings(jama_url='https://JAMA.example.com/', connector_name='c', verify_ssl=True)
    conn = dict({'authenticationType': 'oauth', 'clientId': 'mine', 'clientSecretSet': True,
                 'url': 'https://jama.example.com', 'verifySsl': True}, **changes)
    assert connector_drift(conn, 'mine', settings) == drift
    assert connector_drift(None, 'mine', settings) == [('connector', None, 'c')]


# Typed outcomes: each way a flow stops says, as data, whether the next run heals it or a person must act.
def _no_credential(env, emulator):
    return {'create_credential': False}


def _locked(env, emulator):
    env.run()
    emulator.admin('POST', '/users/jci_service/lock')
    return {}


def _write_fails(env, emulator):
    env.hooks.__init__()
    env.hooks.fail_write = 1
    return {}


def _jama_fails(env, emulator):
    # A 500 is not retried (a 503 would be, for about a minute): the first call to Jama fails.
    emulator.fault(kind='status', system='jama', operation='*', status=500, count=1)
    return {}


def _answer_lost(env, emulator):
    emulator.fault(kind='drop', system='jama', operation='createUserApiCredential', count=1, when='after')
    return {}


@pytest.mark.parametrize('arrange, reason, heals', [
    (_no_credential, 'no_credential', False),
    (_locked, 'account_locked', False),
    (_write_fails, 'store_write_failed', False),
    (_jama_fails, 'server_error', True),
    (_answer_lost, 'answer_lost', True),
])
def test_a_stopped_flow_names_its_reason_and_whether_the_next_run_heals_it(env, emulator, arrange, reason, heals):
    overrides = arrange(env, emulator)
    error = expect_failure(env, **overrides)
    failed = error.to_fail_json()
    assert (failed['reason'], failed['heals_on_next_run']) == (reason, heals), failed['msg']
    assert failed['outcome'] == ('heals_next_run' if heals else 'operator_must_act')


MARK = 'Managed by jama.connect for JCI https://jci, connector "c"'


def _cred(client_id, description=MARK):
    return {'clientId': client_id, 'name': 'n-' + client_id, 'description': description}


@pytest.mark.parametrize('listed, keep, retire, foreign, doomed, kept', [
    # Ours (marker) and unused: goes. In keep: stays. Someone else's (other description): never touched.
    ([_cred('a'), _cred('b'), _cred('x', 'made by hand')], {'b'}, [], None, ['a'], []),
    # Queued by the store for deletion goes even without the marker (a credential it replaced).
    ([_cred('old', 'made by hand'), _cred('new')], {'new'}, ['old'], None, ['old'], []),
    # ... unless something keeps it (the connector still on it).
    ([_cred('old'), _cred('new')], {'new', 'old'}, ['old'], None, [], []),
    # The connector's credential at the start, which this store never held: kept (another store may hold it).
    ([_cred('theirs'), _cred('mine')], {'mine'}, [], 'theirs', [], ['theirs']),
    ([], {'mine'}, ['gone'], None, [], []),
])
def test_which_credentials_may_be_deleted_is_one_pure_decision(listed, keep, retire, foreign, doomed, kept):
    from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.plan import doomed_credentials
    got, foreign_kept = doomed_credentials(listed, keep, retire, MARK, foreign)
    assert [cred['clientId'] for cred in got] == doomed
    assert [cred['clientId'] for cred in foreign_kept] == kept


def test_a_credential_another_connector_uses_is_kept():
    from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.plan import split_in_use
    doomed, kept = split_in_use([_cred('a'), _cred('b')], {'b': 'Legacy'})
    assert ([cred['clientId'] for cred in doomed], [cred['clientId'] for cred in kept]) == (['a'], ['b'])


def test_the_engine_finishes_a_jama_api_credential_hand_off_recorded_in_the_same_vault_file(env):
    # jama_api_credential's action recorded a create in the family "shared" (plugin_utils/reconcile/handoff.py) and
    # was killed before its hand-off: the role's engine, on the same vault file, deletes the lost credential and
    # converges; a family member the record knew is left alone.
    known = env.create_credential('shared')
    lost = env.create_credential('shared@20261206T101010Z')
    env.write_vault({'jama_credential_state': {'pending': {'name': 'shared', 'family': True, 'user': 'jci_service',
                                                           'known': [known['clientId']]}}})
    result = env.run()
    client_id = env.assert_agree()
    remaining = [cred['clientId'] for cred in env.credentials()]
    assert lost['clientId'] not in remaining and known['clientId'] in remaining and client_id in remaining
    assert 'shared@20261206T101010Z' in result['cleaned_up']


def test_the_engine_leaves_a_hand_off_record_of_another_users_credentials_alone(env):
    lost = env.create_credential('theirs@20261206T101010Z')
    env.write_vault({'jama_credential_state': {'pending': {'name': 'theirs', 'family': True, 'user': 'someone_else',
                                                           'known': []}}})
    error = expect_failure(env)
    assert error.reason == 'unfinished_rotation' and "someone_else's credential theirs" in error.message
    assert lost['clientId'] in [cred['clientId'] for cred in env.credentials()]
