"""The credential lifecycle in the engine's flows (plugin_utils/reconcile/upkeep.py): every result's status and
conditions, aged by the emulator's clock (Jama's Date), the role's orphans beside a converged environment deleted
by configure and named by check, foreign credentials named and never touched, check failing on Expired, and a
rotation when due. The decisions alone are tables in test_reconcile_lifecycle.py."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile import report
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.policy import Policy
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.model import marker
from ansible_collections.jama.connect.plugins.plugin_utils.stores.vault_file import VaultStore
from ansible_collections.jama.connect.tests.unit.plugins.plugin_utils.reconcile_env import (
    CONNECTOR, Environment, expect_failure, loader)

AGENT = 'jama.connect-ansible-collection'
DAY = 86400


@pytest.fixture
def env(emulator, tmp_path):
    emulator.reset()
    return Environment(emulator, tmp_path)


def conditions(result):
    return dict((entry['type'], entry) for entry in result['status']['conditions'])


def bad(result):
    return sorted(kind for kind, entry in conditions(result).items() if (kind == 'Ready') != entry['status'])


def client_calls(emulator):
    return [(entry['system'], entry['operation']) for entry in emulator.request_log() if entry['agent'] == AGENT]


def test_a_converged_configure_lists_the_credentials_once_and_reports_every_condition(env, emulator):
    env.run()
    emulator.admin('DELETE', '/requests')
    result = env.run(policy=Policy.from_options({'max_age': '90d', 'max_unused': '30d'}))
    assert not result['changed']
    # At most four calls: the connector, JCI's test, the service user, its credentials.
    assert client_calls(emulator) == [('jci', 'listConnectors'), ('jci', 'testConnector'), ('jama', 'getUsers'),
                                      ('jama', 'getUserApiCredentials')]
    found = conditions(result)
    assert set(found) == {'Ready', 'RotationDue', 'Expired', 'Unused', 'Orphans', 'ForeignCredentials', 'SlotsLow',
                          'RotationStalled', 'TestFailed', 'AuthErrorsInLog'}
    assert bad(result) == [] and found['Ready']['status'] is True
    status = result['status']
    assert status['slots_used'] == 1 and status['age_days'] == 0 and status['not_after'] and status['renewal_time']
    assert [cred['client_id'] for cred in status['inventory']['in_use']] == [result['credential']['client_id']]
    assert 'needs attention' not in result['headline']


@pytest.mark.parametrize('days, due, expired', [(59, False, False), (60, True, False), (90, True, True)])
def test_conditions_follow_jamas_clock_at_the_policy_boundaries(env, emulator, days, due, expired):
    env.run()
    emulator.advance_clock(days * DAY + 5)
    result = env.run(check_mode=True, policy=Policy.from_options({'max_age': '90d'}))
    found = conditions(result)
    assert found['RotationDue']['status'] is due and found['Expired']['status'] is expired
    assert result['status']['age_days'] == days
    assert ('RotationDue' in result['headline']) is due
    assert found['Ready']['status'] is not expired


def test_check_fails_on_an_expired_credential_and_names_the_fix(env, emulator):
    env.run()
    emulator.advance_clock(91 * DAY)
    engine = env.engine('check', policy=Policy.from_options({'max_age': '90d'}))
    with pytest.raises(errors.JamaConnectError) as raised:
        engine.run()
    assert 'older than oauth_connector_max_age' in raised.value.message
    assert 'jama.connect.rotate' in raised.value.message
    # The status says it once, through the Expired condition, not again in Ready's message.
    ready = dict((entry['type'], entry) for entry in engine.status()['conditions'])['Ready']
    assert ready['status'] is False and ready['message'].count('older than oauth_connector_max_age') == 1


def test_unused_shows_in_a_run_that_requests_no_token(env, emulator):
    env.run()
    emulator.advance_clock(31 * DAY)
    policy = Policy.from_options({'max_unused': '30d'})
    assert conditions(env.run(check_mode=True, policy=policy))['Unused']['status'] is True
    # A real run tests the connector, and JCI's test requests a token: the credential is used again.
    assert conditions(env.run(policy=policy))['Unused']['status'] is False


def test_an_orphan_beside_a_converged_environment_is_named_by_check_and_deleted_by_configure(env):
    env.run()
    orphan = env.create_credential('jci-oauth-restored', marker(env.emulator.jci_url, CONNECTOR))
    foreign = env.create_credential('made-by-hand')
    checked = env.run('check')
    assert conditions(checked)['Orphans']['status'] is True and orphan['clientId'] in conditions(checked)['Orphans'][
        'message']
    assert conditions(checked)['ForeignCredentials']['status'] is True
    assert 'needs attention: ' in checked['headline']
    configured = env.run()
    assert configured['changed'] and configured['cleaned_up'] == ['jci-oauth-restored']
    left = set(cred['clientId'] for cred in env.credentials())
    assert orphan['clientId'] not in left and foreign['clientId'] in left
    assert conditions(configured)['Orphans']['status'] is False
    assert [cred['client_id'] for cred in configured['status']['inventory']['foreign']] == [foreign['clientId']]
    env.assert_agree()


def test_rotate_when_due_rotates_once_due_and_not_before(env, emulator):
    first = env.run()
    policy = Policy.from_options({'max_age': '90d', 'rotate_when_due': True})
    emulator.advance_clock(59 * DAY)
    assert not env.run(policy=policy)['changed']
    emulator.advance_clock(DAY + 5)
    rotated = env.run(policy=policy)
    assert rotated['changed'] and rotated['credential']['client_id'] != first['credential']['client_id']
    assert rotated['rotated'] and rotated['headline'].startswith('dev: rotated (')
    assert conditions(rotated)['RotationDue']['status'] is False
    env.assert_agree()
    assert [cred['clientId'] for cred in env.credentials()] == [rotated['credential']['client_id']]
    assert not env.run(policy=policy)['changed']


def test_without_an_administrator_the_inventory_is_not_observed_and_no_call_is_added(env, emulator):
    env.run()
    emulator.admin('DELETE', '/requests')
    engine = env.engine()
    engine.admin_configured = False
    result = engine.run()
    assert client_calls(emulator) == [('jci', 'listConnectors'), ('jci', 'testConnector')]
    assert conditions(result)['Orphans']['reason'] == 'NotObserved' and result['status']['inventory'] is None


@pytest.mark.parametrize('days, warned', [(82, False), (83, True), (91, True)])
def test_warn_before_warns_from_that_long_before_the_end_of_the_lifetime(env, emulator, days, warned):
    env.run()
    emulator.advance_clock(days * DAY + 5)
    result = env.run(check_mode=True, policy=Policy.from_options({'max_age': '90d', 'warn_before': '7d'}))
    assert bool(result['status']['warnings']) is warned
    assert any(line.startswith('warning: ') for line in result['summary']) is warned


def test_slots_low_warns_before_jamas_limit_of_twenty_is_reached(env):
    """Observation 4 of the lifecycle issue: 20 credentials of one service user cannot rotate; 18 already warn."""
    env.run()
    for index in range(16):
        env.create_credential('by-hand-%02d' % index)
    assert conditions(env.run())['SlotsLow']['status'] is False  # 17 of 20
    env.create_credential('by-hand-16')
    result = env.run()
    found = conditions(result)
    assert found['SlotsLow']['status'] is True and '18 of Jama\'s 20' in found['SlotsLow']['message']
    assert 'SlotsLow' in result['headline'] and found['SlotsLow']['remediation']


def test_a_hand_made_credential_the_role_replaced_is_named_in_the_output(env):
    """Observation 3 of the lifecycle issue: the vault file held only the ID of the hand-made credential the
    connector used; the role replaces it and keeps it (another store may hold it), and now says so."""
    by_hand = env.create_credential('made-by-hand')
    env.write_vault({'jama_client_id': by_hand['clientId'], 'jama_client_secret': by_hand['clientSecret']})
    env.run()
    VaultStore(env.vault_path, loader(), 'dev').write({}, remove=['jama_client_secret'])  # the secret lost
    result = env.run()
    assert result['changed'] and result['credential']['client_id'] != by_hand['clientId']
    assert by_hand['clientId'] in [cred['clientId'] for cred in env.credentials()]
    found = conditions(result)
    assert found['ForeignCredentials']['status'] is True and by_hand['clientId'] in found['ForeignCredentials']['message']
    assert [cred['client_id'] for cred in result['status']['inventory']['foreign']] == [by_hand['clientId']]
    assert 'ForeignCredentials' in result['headline']


def test_a_failed_run_reports_the_status_it_saw_and_why_it_is_not_ready(env, emulator):
    env.run()
    emulator.fault(kind='status', status=500, system='jci', operation='testConnector', count=1)
    engine = env.engine()
    with pytest.raises(errors.JamaConnectError):
        engine.run()
    ready = dict((entry['type'], entry) for entry in engine.status()['conditions'])['Ready']
    assert ready['status'] is False and 'stopped before it verified' in ready['message']


def test_a_due_rotation_starts_only_from_a_connector_that_passes_jcis_test(env, emulator):
    first = env.run()
    emulator.advance_clock(61 * DAY)
    # Jama refuses JCI's token once: JCI's test fails while the credential itself works.
    emulator.fault(kind='status', status=401, system='jama', operation='createOAuthToken', count=1)
    with pytest.raises(errors.JamaConnectError) as raised:
        env.run(policy=Policy.from_options({'max_age': '90d', 'rotate_when_due': True}))
    assert raised.value.reason == 'jci_test_failed'
    assert [cred['clientId'] for cred in env.credentials()] == [first['credential']['client_id']]  # none created


def test_a_listing_that_fails_is_reported_and_does_not_fail_a_converged_run(env, emulator):
    env.run()
    emulator.fault(kind='status', status=403, system='jama', operation='getUserApiCredentials')
    result = env.run(policy=Policy.from_options({'max_age': '90d'}))
    assert result['verified'] and not result['changed']
    found = conditions(result)
    assert found['Orphans']['reason'] == 'NotObserved' and 'listing' in found['Orphans']['message']
    # The store's record still dates the credential (the role created it), so its age is known without the list.
    assert found['RotationDue']['reason'] == 'NotDue'
    assert result['status']['not_before'] == env.vault_data()['jama_credential_state']['lifecycle']['created']


def test_check_mode_with_an_api_client_administrator_requests_no_token_to_list(env, emulator):
    env.run()
    emulator.admin('DELETE', '/requests')
    engine = env.engine(check_mode=True)
    engine.observer.quiet = True  # as Engine(admin_posts=True) sets it for an administrator with client_id
    result = engine.run()
    assert [entry['method'] for entry in emulator.request_log()] == ['GET']
    assert 'API client' in conditions(result)['Orphans']['message']


def test_the_store_records_when_the_role_made_the_credential_and_counts_rotations(env, emulator):
    first = env.run()
    record = env.vault_data()['jama_credential_state']['lifecycle']
    created = [cred['createdDate'] for cred in env.credentials()][0]
    assert record['client_id'] == first['credential']['client_id'] and record['revision'] == 0
    assert created.startswith(record['created'][:19])  # Jama's clock, to the second of its Date
    emulator.advance_clock(5 * DAY)
    rotated = env.run('rotate', policy=Policy.from_options({'max_age': '90d'}))
    record = env.vault_data()['jama_credential_state']['lifecycle']
    assert record['client_id'] == rotated['credential']['client_id'] and record['revision'] == 1
    assert rotated['status']['revision'] == 1 and rotated['status']['age_days'] == 0
    env.assert_agree()


def test_failed_rotations_are_counted_and_stall_at_the_limit_until_a_person_rotates(env, emulator):
    first = env.run()
    policy = Policy.from_options({'max_age': '90d', 'rotate_when_due': True, 'max_failed_rotations': 2})
    emulator.advance_clock(61 * DAY)
    # Jama refuses every new credential (a permission taken away, say): each due rotation fails and is counted.
    emulator.fault(kind='status', status=403, system='jama', operation='createUserApiCredential', count=10)
    for count in (1, 2):
        error = expect_failure(env, policy=policy)
        assert error.reason != 'rotation_stalled'
        assert env.vault_data()['jama_credential_state']['lifecycle']['failed_rotations'] == count
    emulator.admin('DELETE', '/requests')
    stalled = expect_failure(env, policy=policy)
    # Past the limit no rotation is tried, everything else is done, and the failure says a person must act.
    assert stalled.reason == 'rotation_stalled' and not stalled.heals_on_next_run
    assert 'stalled' in stalled.message and '403' in stalled.message and 'a person must act' in stalled.hint
    assert ('jama', 'createUserApiCredential') not in client_calls(emulator)
    assert env.vault_data()['jama_client_id'] == first['credential']['client_id']
    env.assert_agree()
    # A run that has to repair the connector first does that, then says the same.
    response = emulator.jci('DELETE', '/api/v1/connectors/%d' % env.connector()['id'])
    assert response.status_code == 204
    assert expect_failure(env, policy=policy).reason == 'rotation_stalled'
    env.assert_agree()
    problem = expect_failure(env, 'check', policy=policy)
    assert 'rotations of the API credential %s stalled' % first['credential']['client_id'] in problem.message
    emulator.admin('DELETE', '/faults')
    rotated = env.run('rotate', policy=policy)
    assert rotated['credential']['client_id'] != first['credential']['client_id']
    found = conditions(rotated)
    assert found['RotationStalled']['status'] is False and found['RotationDue']['status'] is False
    assert env.vault_data()['jama_credential_state']['lifecycle']['failed_rotations'] == 0
    assert not env.run(policy=policy)['changed']
    env.assert_agree()


def test_a_stalled_rotation_shows_in_the_status_of_the_failed_run(env, emulator):
    env.run()
    policy = Policy.from_options({'max_age': '90d', 'rotate_when_due': True, 'max_failed_rotations': 1})
    emulator.advance_clock(61 * DAY)
    emulator.fault(kind='status', status=403, system='jama', operation='createUserApiCredential', count=1)
    engine = env.engine(policy=policy)
    with pytest.raises(errors.JamaConnectError):
        engine.run()
    found = dict((entry['type'], entry) for entry in engine.status()['conditions'])
    assert found['RotationStalled']['status'] is True and found['Ready']['status'] is False
    assert 'a person must act' in found['RotationStalled']['remediation']
    assert '403' in found['RotationStalled']['message']


def test_without_create_credential_a_due_credential_is_reported_for_adopt(env, emulator):
    env.run()
    emulator.advance_clock(61 * DAY)
    result = env.run(policy=Policy.from_options({'max_age': '90d', 'create_credential': False}))
    assert not result['changed']
    due = conditions(result)['RotationDue']
    assert due['status'] is True and 'jama.connect.adopt' in due['remediation']
    with pytest.raises(errors.ConfigurationError, match='rotate_when_due needs oauth_connector_create_credential'):
        Policy.from_options({'max_age': '90d', 'rotate_when_due': True, 'create_credential': False})


def test_without_an_administrator_age_is_measured_by_jamas_clock_from_the_credential_check(env, emulator):
    env.run()
    emulator.advance_clock(61 * DAY)
    policy = Policy.from_options({'max_age': '90d', 'max_unused': '30d'})
    engine = env.engine('check', policy=policy)
    engine.admin_configured = False
    found = conditions(engine.run())
    # The check's own token request answered with Jama's Date: 61 days on, although this machine's clock is not.
    assert found['RotationDue']['status'] is True
    # Jama's last use was not read (no list without an administrator): not observed, never guessed.
    assert found['Unused']['reason'] == 'NotObserved'


def test_a_failed_run_has_one_line_with_its_typed_outcome_and_the_conditions(env, emulator):
    env.run()
    policy = Policy.from_options({'max_age': '90d', 'rotate_when_due': True, 'max_failed_rotations': 1})
    emulator.advance_clock(61 * DAY)
    emulator.fault(kind='status', status=403, system='jama', operation='createUserApiCredential', count=1)
    expect_failure(env, policy=policy)
    emulator.admin('DELETE', '/faults')
    engine = env.engine(policy=policy)
    with pytest.raises(errors.JamaConnectError) as raised:
        engine.run()
    line = report.failure_headline('dev', raised.value.reason, raised.value.heals_on_next_run, engine.status())
    assert line == 'dev: failed (rotation_stalled), a person must act, needs attention: Ready, RotationDue, ' \
                   'RotationStalled'
