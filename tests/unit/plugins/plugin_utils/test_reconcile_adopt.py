"""The adopt flow (plugin_utils/reconcile/flows.py adopt): a credential a person made in Jama's UI is verified as the
service user, recorded in the store before anything else, and the connector pointed at it without a broken window;
what it replaces is deleted where the credential API is available, else named for deletion by hand. Also the 404 on
a modelled path, which names the client file to adapt and the manual path. Killed and broken at every step: the
'adopt' scenario of test_reconcile_faults.py."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.tests.unit.plugins.plugin_utils.reconcile_env import (
    JAMA_ADMIN, Environment, Killed, expect_failure)

AGENT = 'jama.connect-ansible-collection'


@pytest.fixture
def env(emulator, tmp_path):
    emulator.reset()
    return Environment(emulator, tmp_path)


def made_by_hand(env, name='made-by-hand'):
    made = env.create_credential(name)
    return made['clientId'], made['clientSecret']


def writes(emulator):
    return [(entry['system'], entry['operation']) for entry in emulator.request_log()
            if entry['agent'] == AGENT and entry['method'] != 'GET' and entry['operation'] != 'createOAuthToken']


def test_adopt_takes_over_a_credential_made_by_hand_and_deletes_the_one_it_replaces(env, emulator):
    first = env.run()['credential']['client_id']
    client_id, secret = made_by_hand(env)
    adopted = env.run('adopt', adopt=(client_id, secret))
    assert adopted['changed'] and adopted['verified'] and adopted['headline'].startswith('dev: adopted')
    data = env.vault_data()
    assert (data['jama_client_id'], data['jama_client_secret']) == (client_id, secret)
    assert env.connector()['clientId'] == client_id
    listed = dict((cred['clientId'], cred) for cred in env.credentials())
    assert first not in listed, 'the replaced credential was not deleted'
    # The creation time is Jama's (listed by the administrator), and the record counts the replacement.
    record = data['jama_credential_state']['lifecycle']
    assert listed[client_id]['createdDate'].startswith(record['created'][:19]) and record['revision'] == 1
    assert set(data['jama_credential_state']) == {'lifecycle'}
    assert secret not in str(adopted)
    assert not env.run('adopt', adopt=(client_id, secret))['changed']
    assert not env.run()['changed']


def test_without_an_administrator_the_replaced_credential_is_named_for_deletion_by_hand(env, emulator):
    first = env.run()['credential']['client_id']
    client_id, secret = made_by_hand(env)
    engine = env.engine('adopt', adopt=(client_id, secret))
    engine.admin_configured = engine.rooms.observer.admin_configured = False
    adopted = engine.run()
    assert adopted['to_delete_by_hand'] == [first]
    assert any('to delete by hand in Jama' in line for line in adopted['summary'])
    assert first in [cred['clientId'] for cred in env.credentials()]
    assert set(env.vault_data()['jama_credential_state']) == {'lifecycle'}  # nothing queued an administrator must do
    again = env.engine()
    again.admin_configured = again.rooms.observer.admin_configured = False
    assert not again.run()['changed']


def admins_own(env):
    """A credential of the Jama administrator: it works against Jama, but as the wrong user."""
    made = env.emulator.jama('POST', '/rest/v1/users/current/apicredentials', auth=JAMA_ADMIN,
                             json={'name': 'admins-own'}).json()['data']
    return made['clientId'], made['clientSecret']


@pytest.mark.parametrize('given, fragment', [
    (lambda env: (made_by_hand(env)[0], 'not-the-secret'), 'does not work against Jama as jci_service'),
    (admins_own, 'belongs to jama_admin, not to the JCI service account jci_service'),
])
def test_a_credential_that_is_not_the_service_users_is_refused_and_nothing_changes(env, emulator, given, fragment):
    env.run()
    before = (env.vault_data(), env.connector()['clientId'], env.credentials())
    emulator.admin('DELETE', '/requests')
    error = expect_failure(env, 'adopt', adopt=tuple(given(env)))
    assert error.reason == 'adopt_refused' and fragment in error.message and not error.heals_on_next_run
    assert writes(emulator) == [] and (env.vault_data(), env.connector()['clientId']) == before[:2]


def test_check_mode_plans_the_adoption_and_writes_nothing(env, emulator):
    env.run()
    client_id, secret = made_by_hand(env)
    before = env.vault_data()
    emulator.admin('DELETE', '/requests')
    planned = env.run('adopt', check_mode=True, adopt=(client_id, secret))
    assert planned['changed'] and all(action.startswith('would') for action in planned['actions'])
    assert [entry['method'] for entry in emulator.request_log()] == ['GET'] * len(emulator.request_log())
    assert env.vault_data() == before


def test_an_adoption_killed_after_its_record_is_finished_by_the_next_configure_without_the_secret_given(env, emulator):
    env.run()
    client_id, secret = made_by_hand(env)
    engine = env.engine('adopt', adopt=(client_id, secret))
    env.hooks.kill_after_write = env.hooks.writes + 1  # right after the write-ahead record
    with pytest.raises(Killed):
        engine.run()
    assert env.vault_data()['jama_credential_state']['pending']['client_id'] == client_id
    env.hooks.kill_after_write = None
    healed = env.run()
    assert healed['changed'] and env.connector()['clientId'] == client_id
    assert env.vault_data()['jama_client_secret'] == secret
    env.assert_agree()


def test_a_connector_that_fails_with_the_adopted_credential_goes_back_and_the_credential_stays(env, emulator):
    first = env.run()['credential']['client_id']
    client_id, secret = made_by_hand(env)
    emulator.fault(kind='status', status=500, system='jci', operation='testConnector', count=1)
    error = expect_failure(env, 'adopt', adopt=(client_id, secret))
    assert error.reason == 'jci_test_failed' and 'back on the previous credential %s' % first in error.message
    assert 'stays in Jama (a person made it)' in error.message
    assert env.connector()['clientId'] == first and env.vault_data()['jama_client_id'] == first
    assert client_id in [cred['clientId'] for cred in env.credentials()]
    # Its secret was shown once: the store keeps it, and the next run (configure, without the secret) tries it again.
    assert env.vault_data()['jama_credential_state']['pending']['client_secret'] == secret
    assert env.run()['changed']
    assert env.connector()['clientId'] == client_id and env.vault_data()['jama_client_id'] == client_id
    assert first not in [cred['clientId'] for cred in env.credentials()]


def test_a_later_adopt_replaces_an_adoption_jci_refused_and_names_that_credential_for_a_person(env, emulator):
    env.run()
    refused, refused_secret = made_by_hand(env, 'refused-by-jci')
    emulator.fault(kind='status', status=500, system='jci', operation='testConnector', count=1)
    expect_failure(env, 'adopt', adopt=(refused, refused_secret))
    client_id, secret = made_by_hand(env, 'second-try')
    adopted = env.run('adopt', adopt=(client_id, secret))
    assert env.connector()['clientId'] == client_id and env.vault_data()['jama_client_id'] == client_id
    assert adopted['to_delete_by_hand'] == [refused] and refused in [cred['clientId'] for cred in env.credentials()]


def test_with_an_administrator_but_no_credential_api_the_replaced_one_is_named_not_queued(env, emulator):
    first = env.run()['credential']['client_id']
    client_id, secret = made_by_hand(env)
    # A real Jama without the modelled credential API: listing the service user's credentials answers 404.
    emulator.fault(kind='status', status=404, system='jama', operation='getUserApiCredentials', count=20)
    adopted = env.run('adopt', adopt=(client_id, secret))
    assert adopted['verified'] and adopted['to_delete_by_hand'] == [first]
    assert set(env.vault_data()['jama_credential_state']) == {'lifecycle'}  # nothing queued that no run can finish
    assert not env.run()['changed']


def test_adopt_needs_the_records_of_other_unfinished_work_finished_first(env, emulator):
    env.run()
    env.write_vault({'jama_credential_state': {'pending': {'name': 'jci-oauth-x'}}})
    error = expect_failure(env, 'adopt', adopt=made_by_hand(env))
    assert error.reason == 'unfinished_rotation' and 'jama.connect.configure' in error.hint


@pytest.mark.parametrize('system, operations, client_file, manual', [
    ('jama', ('getUserApiCredentials', 'createUserApiCredential'), 'plugins/module_utils/jama_client.py',
     'jama.connect.adopt'),
    ('jci', ('listConnectors',), 'plugins/module_utils/jci_client.py', "add the \"Jama Connect\" connector in JCI's UI"),
])
def test_a_404_on_a_modelled_path_names_the_file_to_adapt_and_the_manual_path(env, emulator, system, operations,
                                                                              client_file, manual):
    for operation in operations:
        emulator.fault(kind='status', status=404, system=system, operation=operation, count=5)
    error = expect_failure(env, create_credential=True)
    assert isinstance(error, errors.NotFoundError) and error.reason == 'modelled_path_missing'
    assert 'that path is modelled' in error.message and 'docs/api-contract.yaml' in error.message
    assert client_file in error.hint and manual in error.hint


def test_adopt_with_a_controller_credential_as_the_store(emulator, tmp_path):
    emulator.reset()
    env = Environment(emulator, tmp_path, store='controller')
    first = env.run()['credential']['client_id']
    client_id, secret = made_by_hand(env)
    adopted = env.run('adopt', adopt=(client_id, secret))
    assert adopted['changed'] and adopted['verified']
    inputs = env.controller_credential()[1]
    assert (inputs['client_id'], inputs['client_secret']) == (client_id, secret)
    assert env.vault_data()['jama_credential_state']['lifecycle']['client_id'] == client_id
    assert env.connector()['clientId'] == client_id and first not in [cred['clientId'] for cred in env.credentials()]
    assert not env.run('adopt', adopt=(client_id, secret))['changed']
