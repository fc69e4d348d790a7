"""jama_api_credential's controller credential as the store of its hand-off record (stores/controller_handoff.py):
the record in the plain revision input, read back exactly after a lost answer, another job's write detected, and
the secret this task never reads kept by writing back ``$encrypted$``. The task's whole flow (a killed create
healed by the next run) is in tests/integration/targets/jama_api_credential/lost_answer_controller.yml."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.module_utils.jama_client import JamaClient
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.handoff import FamilyHandoff
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.model import Settings
from ansible_collections.jama.connect.plugins.plugin_utils.stores.controller_handoff import (
    HandoffStore, parse_revision, revision_text)
from ansible_collections.jama.connect.tests.unit.plugins.plugin_utils.reconcile_env import Environment

from jamaemu.accounts import SERVICE  # pylint: disable=import-error

NAMES = ('jama_client_id', 'jama_client_secret', 'jama_credential_state')
RECORD = {'pending': {'family': True, 'known': ['abc'], 'name': 'jci-oauth', 'user': 'jci_service'}}


@pytest.mark.parametrize('text, token, record', [
    (None, None, None),
    ('', None, None),
    ('0123abcd', '0123abcd', None),
    # A revision the role wrote, or the mark of a vault file's copy: a token, no record.
    ('copy of a vault file', 'copy of a vault file', None),
    (revision_text('0123abcd', RECORD), '0123abcd', RECORD),
    (revision_text('0123abcd', {}), '0123abcd', None),
])
def test_revision_inputs_read_as_a_token_and_a_record(text, token, record):
    assert parse_revision(text) == (token, record)


@pytest.mark.parametrize('text', ['0123 pending {not json', '0123 pending [1, 2]', '0123 pending "x"'])
def test_a_revision_input_jama_connect_did_not_write_is_refused_with_the_fix(text):
    with pytest.raises(errors.ConfigurationError, match='clear that input in the controller'):
        parse_revision(text)


@pytest.fixture
def env(emulator, tmp_path):
    emulator.reset()
    return Environment(emulator, tmp_path, store='controller')


def store_for(env):
    sink = env._sink()  # pylint: disable=protected-access
    sink.prepare()
    return HandoffStore(sink, env.emulator.jama_url, NAMES)


def shown(env):
    """The credential's inputs as the controller's API shows them (secrets as $encrypted$)."""
    credential_id = env.controller_credential()[0]
    return env.emulator.controller('GET', '/api/v2/credentials/%d/' % credential_id).json()['inputs']


def test_the_record_is_written_where_the_api_shows_it_and_the_secret_is_kept_by_writing_back_encrypted(env):
    store = store_for(env)
    assert store.read() == {}
    store.write({'jama_credential_state': RECORD})
    assert parse_revision(shown(env)['revision'])[1] == RECORD
    store.write({'jama_client_id': 'new-id', 'jama_client_secret': 'new-secret'}, remove=['jama_credential_state'])
    again = store_for(env)
    assert again.read() == {'jama_client_id': 'new-id', 'jama_client_secret': '$encrypted$'}
    again.write({'jama_credential_state': RECORD})
    inputs = env.controller_credential()[1]
    assert inputs['client_secret'] == 'new-secret' and inputs['client_id'] == 'new-id'
    assert parse_revision(inputs['revision'])[1] == RECORD


@pytest.mark.parametrize('operation, existing', [('createCredential', False), ('updateCredential', True)])
def test_a_write_whose_answer_was_lost_is_read_back_by_its_revision(env, operation, existing):
    if existing:
        store_for(env).write({'jama_client_id': 'old-id'})
    store = store_for(env)
    env.emulator.fault(kind='drop', system='controller', operation=operation, count=1, when='after')
    store.write({'jama_credential_state': RECORD})
    assert store.sink.current['inputs']['revision'] == shown(env)['revision']
    store.write({}, remove=['jama_credential_state'])  # this run's view followed the write it read back
    assert parse_revision(shown(env)['revision'])[1] is None


def test_a_write_the_controller_refused_raises_and_changes_nothing(env):
    store = store_for(env)
    store.write({'jama_client_id': 'old-id'})
    before = shown(env)
    env.emulator.fault(kind='status', status=500, system='controller', operation='updateCredential', count=1)
    with pytest.raises(errors.JamaConnectError) as raised:
        store.write({'jama_credential_state': RECORD})
    assert not raised.value.details.get('outcome_unknown')
    assert shown(env) == before


def test_another_jobs_write_in_between_stops_the_run_without_overwriting_it(env):
    store = store_for(env)
    store.write({'jama_client_id': 'old-id'})
    other = store_for(env)
    other.write({'jama_client_id': 'their-id'})
    with pytest.raises(errors.ConflictError, match='changed .* by someone else'):
        store.write({'jama_credential_state': RECORD})
    assert env.controller_credential()[1]['client_id'] == 'their-id'


def test_the_family_handoff_records_ahead_and_finds_what_a_killed_run_created(env):
    """The hand-off lifecycle of reconcile/handoff.py on this store: record, create (a killed run), next run."""
    client = JamaClient(env.session(env.emulator.jama_url, SERVICE))
    settings = Settings(jama_url='', store='the controller credential')
    first = FamilyHandoff(settings, store_for(env), 'jci-oauth', client)
    first.read()
    assert first.orphans() == []
    first.write_ahead(rotate=False)
    assert first.written_ahead
    lost = client.create_credential('jci-oauth', '', None)  # then the job is killed
    second = FamilyHandoff(settings, store_for(env), 'jci-oauth', client)
    second.read()
    assert [cred['clientId'] for cred in second.orphans()] == [lost['clientId']]
