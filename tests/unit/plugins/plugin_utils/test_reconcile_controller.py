"""The role's engine with the automation controller credential as its store: what a job is given is checked against
what the controller holds before any change, a new secret lands in the controller credential (never in a result),
and runs converge. Faults at every step, with both stores, are in test_reconcile_faults.py."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.model import marker
from ansible_collections.jama.connect.tests.unit.plugins.plugin_utils.reconcile_env import (
    CONNECTOR, CONTROLLER_CREDENTIAL, Environment, expect_failure)

AGENT = 'jama.connect-ansible-collection'


@pytest.fixture
def env(emulator, tmp_path):
    emulator.reset()
    return Environment(emulator, tmp_path, store='controller')


def calls(emulator, systems=('jama', 'jci')):
    return [(entry['system'], entry['operation']) for entry in emulator.request_log()
            if entry['agent'] == AGENT and entry['system'] in systems]


def edit_inputs(env, emulator, **changes):
    """Change the controller credential's inputs behind the role's back (an administrator, or another job)."""
    credential_id, inputs = env.controller_credential()
    response = emulator.controller('PATCH', '/api/v2/credentials/%d/' % credential_id, json={
        'inputs': dict(inputs, **changes)})
    assert response.status_code == 200, response.text
    return inputs


def test_the_first_job_creates_the_controller_credential_and_the_next_changes_nothing(env, emulator):
    first = env.run()
    assert first['changed'] and first['verified']
    client_id = env.assert_agree()
    credential_id, inputs = env.controller_credential()
    assert set(inputs) == {'url', 'client_id', 'client_secret', 'revision', 'state'}
    record = json.loads(inputs['state'])
    assert set(record) == {'lifecycle'}, 'the record of unfinished work was not cleared'
    assert record['lifecycle']['client_id'] == client_id and record['lifecycle']['revision'] == 0
    assert inputs['url'] == emulator.jama_url
    secret = inputs['client_secret']
    assert secret not in json.dumps(first)
    emulator.admin('DELETE', '/requests')
    second = env.run()
    assert not second['changed'] and second['actions'] == []
    assert calls(emulator) == [('jci', 'listConnectors'), ('jci', 'testConnector'), ('jama', 'getUsers'),
                               ('jama', 'getUserApiCredentials')]  # the last two: the status's inventory
    assert calls(emulator, ('controller',)) == [('controller', 'listOrganizations'), ('controller', 'listCredentialTypes'),
                                                ('controller', 'listCredentials')]
    assert env.controller_credential() == (credential_id, inputs)
    assert env.run('check')['verified']
    rotated = env.run('rotate')
    assert rotated['changed'] and env.assert_agree() != client_id
    assert client_id not in [cred['clientId'] for cred in env.credentials()]
    assert env.controller_credential()[0] == credential_id


def test_check_mode_writes_nothing_to_the_controller(env, emulator):
    result = env.run(check_mode=True)
    assert result['changed'] and all(action.startswith('would') for action in result['actions'])
    assert env.controller_credential() == (None, {})
    assert env.mine() == []
    env.run()
    before = env.controller_credential()
    planned = env.run('rotate', check_mode=True)
    assert planned['changed'] and all(action.startswith('would') for action in planned['actions'])
    assert env.controller_credential() == before


@pytest.mark.parametrize('tamper, fragment', [
    ({'client_id': 'another-client-id', 'client_secret': 'another-secret'}, 'but this job was given client ID another'),
    ({'client_id': '', 'client_secret': '', 'state': '', 'revision': ''},
     'but this job was not given it: attach that credential'),
    # The controller holds a record (the credential's lifecycle): a job given none was given another credential.
    ({'state': ''}, 'changed after this job started'),
    ({'revision': '0123456789abcdef'}, 'changed after this job started'),
])
def test_a_job_given_other_values_than_the_controller_holds_stops_before_any_change(env, emulator, tamper, fragment):
    env.run()
    emulator.admin('DELETE', '/requests')
    env.tamper = tamper
    error = expect_failure(env, 'rotate')
    assert isinstance(error, errors.ConfigurationError)
    assert fragment in error.message and CONTROLLER_CREDENTIAL['name'] in error.message
    assert calls(emulator) == [] and [op for _system, op in calls(emulator, ('controller',))
                                      if not op.startswith('list')] == []


@pytest.mark.parametrize('tamper', [{'client_id': 'cid', 'client_secret': 'secret'},
                                    {'state': '{"pending": {"name": "jci-oauth-x"}}'}])
def test_a_job_given_a_credential_the_controller_does_not_have_stops(env, emulator, tamper):
    env.tamper = tamper
    error = expect_failure(env)
    assert 'the controller has no controller credential' in error.message
    assert 'oauth_connector_controller_credential' in error.message
    assert env.controller_credential() == (None, {}) and calls(emulator) == []


def test_another_environments_credential_is_refused_by_its_url(env, emulator):
    # The wrong credential attached: its injected URL is another Jama's, and so is what the controller holds.
    env.run()
    edit_inputs(env, emulator, url='https://jama-prod.example.com')
    emulator.admin('DELETE', '/requests')
    error = expect_failure(env, 'rotate')
    assert 'is for the Jama at https://jama-prod.example.com, but this run is for' in error.message
    assert calls(emulator) == []


def test_a_write_by_another_job_after_this_one_started_stops_it_without_overwriting(env, emulator):
    env.run()
    original = env.vault_data()['jama_client_id']

    def another_job(number):
        if number == 2:
            # Another job rotated meanwhile: it wrote the credential (a new revision).
            edit_inputs(env, emulator, revision='another-job')
    env.hooks.__init__()
    env.hooks.before_write = another_job
    error = expect_failure(env, 'rotate')
    assert 'changed (or deleted) by someone else after this job read it' in error.message
    assert env.controller_credential()[1]['revision'] == 'another-job'
    # Once the other job is done (here: nothing more), the next run resumes from what the credential holds.
    env.hooks.__init__()
    assert env.run('rotate')['verified']
    assert env.assert_agree() != original
    assert original not in [cred['clientId'] for cred in env.credentials()]


# Issue "The engine as a house", behaviour 2: the controller has no compare-and-set. Another job's write landing
# right after this job's replaced it; this job went on to delete, as orphans, credentials only that job's record named.
def test_a_write_replaced_by_another_job_stops_this_job_before_it_deletes_anything(env, emulator):
    env.run()
    original = env.vault_data()['jama_client_id']
    # The other job's new credential, recorded only in the record it writes (made by the role: it has the marker).
    theirs = env.create_credential('another-job', description=marker(emulator.jci_url, CONNECTOR))
    engine = env.engine('rotate')
    real_put = engine.vault.sink.put
    replaced = []

    def put(inputs, existing):
        written = real_put(inputs, existing)
        if inputs.get('client_id') not in (None, original) and not replaced:
            # Right after this job made its new credential current, the other job writes its own record.
            record = {'pending': {'name': 'another-job', 'client_id': theirs['clientId'],
                                  'client_secret': theirs['clientSecret']}}
            replaced.append(edit_inputs(env, emulator, revision='another-job', state=json.dumps(record)))
        return written
    engine.vault.sink.put = put
    with pytest.raises(errors.JamaConnectError) as raised:
        engine.run()
    assert replaced, 'the other job never wrote'
    listed = [cred['clientId'] for cred in env.credentials()]
    assert theirs['clientId'] in listed, 'deleted a credential the other job\'s record names'
    assert original in listed, 'deleted the replaced credential although the store no longer says so'
    assert 'was written by someone else after this job wrote it' in raised.value.message
    assert 'deletes nothing' in raised.value.message
    assert env.controller_credential()[1]['revision'] == 'another-job'


def test_a_credential_type_without_the_state_input_is_named_with_the_fix(emulator, tmp_path):
    emulator.reset()
    response = emulator.controller('POST', '/api/v2/credential_types/', json={
        'name': 'Jama Connect OAuth client', 'kind': 'cloud', 'injectors': {},
        'inputs': {'fields': [{'id': 'url', 'label': 'URL'}, {'id': 'client_id', 'label': 'ID'},
                              {'id': 'client_secret', 'label': 'Secret', 'secret': True}]}})
    assert response.status_code == 201, response.text
    env = Environment(emulator, tmp_path, store='controller')
    error = expect_failure(env)
    assert 'has no input(s) revision, state' in error.message and 'jama.connect.controller_credential_types' in error.message
    assert 'controller_credential.credential_type' in error.message
    assert env.credentials() == []


def test_a_job_killed_after_the_write_ahead_record_is_healed_by_the_next_job(env):
    # The record written before Jama's create is injected into the next job, which finishes the work.
    env.hooks.kill_after_write = 1
    with pytest.raises(BaseException) as raised:
        env.run()
    assert 'after controller write 1' in str(raised.value)
    _credential_id, inputs = env.controller_credential()
    assert set(inputs) == {'url', 'state', 'revision'} and 'pending' in json.loads(inputs['state'])
    env.hooks.__init__()
    assert env.run()['verified']
    env.assert_agree()


def test_a_malformed_record_in_the_controller_is_named_with_its_fix_and_nothing_changes(env, emulator):
    env.run()
    inputs = edit_inputs(env, emulator, state='{"pending": "not a mapping"}')
    before = (env.credentials(), env.connectors())
    error = expect_failure(env, 'rotate')
    assert 'clear the credential\'s "Unfinished change" input' in error.message
    assert CONTROLLER_CREDENTIAL['name'] in error.message and inputs['client_secret'] not in error.message
    assert (env.credentials(), env.connectors()) == before


# --- the vault file as the store, with a copy of its credential in a controller credential (the mirror) --------


@pytest.fixture
def mirrored(emulator, tmp_path):
    emulator.reset()
    return Environment(emulator, tmp_path, store='mirror')


def test_the_mirror_gets_each_new_credential_before_the_old_one_goes(mirrored, emulator):
    first = mirrored.run()
    assert first['changed'] and any('handed credential' in action for action in first['actions'])
    client_id = mirrored.assert_agree()
    emulator.admin('DELETE', '/requests')
    second = mirrored.run()
    assert not second['changed'] and second['actions'] == []
    assert calls(emulator) == [('jci', 'listConnectors'), ('jci', 'testConnector'), ('jama', 'getUsers'),
                               ('jama', 'getUserApiCredentials')]  # the last two: the status's inventory
    assert [op for _system, op in calls(emulator, ('controller',))] == ['listOrganizations', 'listCredentialTypes',
                                                                        'listCredentials']
    rotated = mirrored.run('rotate')
    handed = [index for index, action in enumerate(rotated['actions']) if action.startswith('handed credential')]
    deleted = [index for index, action in enumerate(rotated['actions']) if action.startswith('deleted credential')]
    assert handed and deleted and handed[0] < deleted[0], rotated['actions']
    assert mirrored.assert_agree() != client_id
    assert mirrored.run('check')['verified']


def test_a_mirror_that_missed_a_write_is_reported_by_check_and_healed_by_configure(mirrored, emulator):
    mirrored.run()
    edit_inputs(mirrored, emulator, client_id='an-older-client-id')
    error = expect_failure(mirrored, 'check')
    assert 'does not hold the current credential' in error.message
    healed = mirrored.run()
    assert healed['changed'] and mirrored.assert_agree()


def test_a_failed_hand_over_to_the_mirror_keeps_the_replaced_credential_until_the_next_run(mirrored, emulator):
    original = mirrored.run() and mirrored.vault_data()['jama_client_id']
    emulator.fault(system='controller', operation='updateCredential', kind='status', status=500, when='before', count=5)
    error = expect_failure(mirrored, 'rotate')
    assert 'a credential it replaces is kept' in error.message
    assert original in [cred['clientId'] for cred in mirrored.credentials()]
    assert mirrored.connector()['clientId'] == mirrored.vault_data()['jama_client_id'] != original
    emulator.admin('DELETE', '/faults')
    assert mirrored.run()['changed']
    mirrored.assert_agree()
    assert original not in [cred['clientId'] for cred in mirrored.credentials()]


def test_a_copy_is_marked_and_no_job_takes_it_for_its_store(mirrored, emulator, tmp_path):
    mirrored.run()
    assert mirrored.controller_credential()[1]['revision'] == 'copy of a vault file'
    other = tmp_path / 'controller-job'
    other.mkdir()
    job = Environment(emulator, other, store='controller')
    emulator.admin('DELETE', '/requests')
    error = expect_failure(job, 'rotate')
    assert 'is a copy of a vault file\'s credential' in error.message
    assert calls(emulator) == []
    mirrored.assert_agree()
