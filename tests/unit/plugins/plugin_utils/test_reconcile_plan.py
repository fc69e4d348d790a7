"""The engine's decisions (plugin_utils/reconcile/plan.py), its journal and its one delete function, as tables: no
emulator, no I/O. The doomed/in-use and drift tables live beside the emulator tests in test_reconcile.py."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile import plan
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.apply import Acts
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.journal import Journal
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.model import (
    Credential, ReconcileError, Settings, StoreView)

SETTINGS = Settings(jama_url='https://jama.example.com/', jci_url='https://jci.example.com', connector_name='c',
                    vault_file='/v.yml', verify_ssl=True)
GOOD = {'authenticationType': 'oauth', 'clientId': 'mine', 'clientSecretSet': True,
        'url': 'https://JAMA.example.com', 'verifySsl': True}


def view(**data):
    return StoreView(data, SETTINGS)


@pytest.mark.parametrize('conn, cred, expected', [
    (GOOD, Credential('mine', 's'), True),
    (GOOD, Credential('other', 's'), False),
    (dict(GOOD, verifySsl=False), Credential('mine', 's'), False),  # check and configure agree on verifySsl
    (dict(GOOD, clientSecretSet=False), Credential('mine', 's'), False),
    (dict(GOOD, authenticationType='basic'), Credential('mine', 's'), False),
    (None, Credential('mine', 's'), False),
    (GOOD, None, False),
])
def test_converged_is_the_drift_being_empty(conn, cred, expected):
    assert plan.converged(conn, cred, SETTINGS) is expected


@pytest.mark.parametrize('conn, cur, expected', [
    (GOOD, Credential('mine', 's'), []),
    (GOOD, Credential('other', 's'), ['the connector uses client ID mine but /v.yml holds other']),
    (dict(GOOD, verifySsl=False), None, ["the connector's certificate verification (verifySsl) is False, but "
                                         'oauth_connector_verify_ssl is True; jama.connect.configure sets it']),
    (dict(GOOD, url='https://elsewhere'), None, ['the connector points at https://elsewhere, not '
                                                 'https://jama.example.com']),
])
def test_check_words_every_drift_configure_would_change(conn, cur, expected):
    assert plan.drift_problems(conn, cur, SETTINGS) == expected


@pytest.mark.parametrize('error, dead', [
    (errors.TokenError('no'), True),
    (errors.AuthenticationError('no', status=401), True),
    (errors.AccountLockedError('locked', status=401), False),  # a new credential of the same user fails the same way
    (errors.TransportError('down'), False),
    (ReconcileError('wrong user', reason='credential_wrong_user'), False),
])
def test_only_a_refused_credential_is_dead(error, dead):
    assert plan.is_dead(error) is dead


@pytest.mark.parametrize('target, in_use, current, pending, keep', [
    ('t', [], None, None, {'t'}),
    ('t', ['c', None], 'cur', 'p', {'t', 'c', 'cur', 'p'}),
    (None, [], None, None, set()),  # a planned target has no client ID yet
])
def test_keep_set(target, in_use, current, pending, keep):
    assert plan.keep_set(target, in_use, current, pending) == keep


@pytest.mark.parametrize('started_on, held, foreign', [
    ('a', {'a', 'b'}, None),
    ('x', {'a'}, 'x'),
    (None, set(), None),
])
def test_the_credential_a_connector_started_on_is_foreign_unless_the_store_held_it(started_on, held, foreign):
    assert plan.foreign_credential(started_on, held) == foreign


@pytest.mark.parametrize('retire, needed, changed, admin, scope', [
    ([], True, False, True, 'skip'),       # converged: no listing (two calls saved)
    ([], False, True, True, 'skip'),       # changed, but not which credential is in use
    ([], True, True, True, 'search'),
    ([], True, True, False, 'unchecked'),  # orphans possible, nobody to list them
    (['old'], False, False, False, 'search'),  # queued work is always finished
])
def test_cleanup_scope(retire, needed, changed, admin, scope):
    assert plan.cleanup_scope(retire, needed, changed, admin) == scope


STATE = 'jama_credential_state'


@pytest.mark.parametrize('data, start', [
    ({}, 'nothing'),
    ({'jama_client_id': 'a', 'jama_client_secret': 's'}, 'probe'),
    ({'jama_client_id': 'a'}, 'rotate'),  # only the ID: nothing to probe, replace it
    ({'jama_client_id': 'a', 'jama_client_secret': 's', STATE: {'pending': {'name': 'n'}}}, 'resume'),
    ({'jama_client_id': 'a', 'jama_client_secret': 's', STATE: {'retire': ['old']}}, 'retire'),
    ({STATE: {'pending': {'name': 'n'}}}, 'resume'),
])
def test_where_a_rotation_starts(data, start):
    assert plan.rotation_start(view(**data)) == start


@pytest.mark.parametrize('force_new, data, replaces', [
    (False, {'jama_client_id': 'a', 'jama_client_secret': 's'}, None),  # configure never queues one
    (True, {'jama_client_id': 'a', 'jama_client_secret': 's'}, 'a'),
    (True, {'jama_client_id': 'a'}, 'a'),
    (True, {}, None),
])
def test_only_a_rotation_queues_what_it_replaces(force_new, data, replaces):
    assert plan.replaced_by_new(force_new, view(**data)) == replaces


def test_migration_looks_at_this_jamas_jama_connect_connectors_only():
    connectors = [
        {'name': 'a', 'application': 'jama_connect', 'url': 'https://jama.example.com/', 'authenticationType': 'basic'},
        {'name': 'b', 'url': 'https://JAMA.example.com', 'authenticationType': 'oauth'},
        {'name': 'c', 'application': 'jira', 'url': 'https://jama.example.com', 'authenticationType': 'basic'},
        {'name': 'd', 'application': 'jama_connect', 'url': 'https://other', 'authenticationType': 'basic'},
    ]
    mine, basic = plan.migration_scope(connectors, SETTINGS.jama_url)
    assert [conn['name'] for conn in mine] == ['a', 'b']
    assert [conn['name'] for conn in basic] == ['a']


@pytest.mark.parametrize('pending, found, resumable', [
    ({'name': 'n', 'client_id': 'a', 'client_secret': 's'}, [{'name': 'n'}], True),
    ({'name': 'n', 'client_id': 'a', 'client_secret': 's'}, [], False),  # gone from Jama
    ({'name': 'n'}, [{'name': 'n'}], False),  # the secret was never stored: it must go
])
def test_a_pending_credential_is_resumed_only_with_its_secret_and_in_jama(pending, found, resumable):
    assert plan.resumable(pending, found) is resumable


@pytest.mark.parametrize('outcome, passed, auth_errors', [
    ({'success': True}, True, []),
    ({'success': False}, False, []),
    ({'success': True, 'logEntries': [{'category': 'authentication', 'level': 'ERROR', 'message': 'm'}]}, False, ['m']),
    ({'success': True, 'logEntries': [{'category': 'sync', 'level': 'ERROR', 'message': 'm'}]}, True, []),
])
def test_authentication_errors_in_jcis_log_fail_its_test(outcome, passed, auth_errors):
    assert plan.test_verdict(outcome) == (passed, auth_errors)


@pytest.mark.parametrize('last, passed', [({}, True), ({'status': 'passed'}, True), ({'status': 'failed'}, False)])
def test_check_mode_reads_the_recorded_test(last, passed):
    assert plan.recorded_verdict(last) is passed


def test_the_journal_types_its_entries_and_counts_planned_changes():
    journal = Journal(dry_run=True)
    journal.observed('found x')
    assert not journal.anything_changed
    journal.planned('create y')
    journal.planned('test z')
    assert journal.anything_changed and journal.count('planned') == 2
    assert journal.texts() == ['found x', 'would create y', 'would test z']


class _Record:
    store = None
    current_id = 'current'

    def confirm(self):
        raise AssertionError('a refused delete must not even read the store back')


class _Observer:
    jci = None

    def admin(self):
        raise AssertionError('a refused delete must make no call')


@pytest.mark.parametrize('client_id, keep', [('current', []), ('used', ['used'])])
def test_the_one_delete_function_refuses_a_credential_in_use(client_id, keep):
    acts = Acts(SETTINGS, _Observer(), _Record(), Journal(), verifier=None)
    with pytest.raises(ReconcileError) as raised:
        acts.delete_credential({'id': 1, 'clientId': client_id, 'name': 'n'}, keep=keep)
    assert raised.value.reason == 'internal_guard'


@pytest.mark.parametrize('listed, known, current, lost', [
    # The record knew "a"; the killed run made "b": only "b" goes.
    ([{'name': 'f', 'clientId': 'a'}, {'name': 'f@20261206T101010Z', 'clientId': 'b'}], ['a'], 'a', ['b']),
    # The store holds the new one (the hand-off happened): nothing is lost.
    ([{'name': 'f', 'clientId': 'a'}], [], 'a', []),
    # Another family and a credential made by hand are never touched.
    ([{'name': 'other', 'clientId': 'x'}, {'name': 'f-by-hand', 'clientId': 'y'}], [], None, []),
])
def test_which_credentials_an_interrupted_jama_api_credential_run_lost(listed, known, current, lost):
    pending = {'name': 'f', 'family': True, 'known': known}
    assert [cred['clientId'] for cred in plan.unfinished_family(listed, pending, current)] == lost
