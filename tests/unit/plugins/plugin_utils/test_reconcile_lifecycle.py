"""The lifecycle's pure decisions (plugin_utils/reconcile/lifecycle.py) as tables, with a fixed "now": durations,
the policy and its refusals, the inventory, and every condition's true and false case at its boundary."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

import pytest

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile import lifecycle, policy
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.policy import Policy
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.model import Credential, Settings
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.record import Record
from ansible_collections.jama.connect.plugins.plugin_utils.stores.base import Store

NOW = datetime.datetime(2026, 12, 6, 12, 0, 0, tzinfo=datetime.timezone.utc)
DAY = 86400


def days_ago(days, seconds=0):
    return NOW - datetime.timedelta(days=days, seconds=seconds)


@pytest.mark.parametrize('text, seconds', [
    ('90d', 90 * DAY), ('36h', 36 * 3600), ('30m', 1800), (' 7d ', 7 * DAY), (None, None), ('', None),
])
def test_durations_have_one_format(text, seconds):
    assert policy.parse_duration(text, 'opt') == seconds


@pytest.mark.parametrize('text', ['90', '90 d', '-1d', '0d', '1.5d', '90days', 'd', '1w', True])
def test_a_malformed_duration_names_the_option_and_the_format(text):
    with pytest.raises(errors.ConfigurationError) as raised:
        policy.parse_duration(text, 'oauth_connector_max_age')
    assert 'oauth_connector_max_age' in raised.value.message and '90d' in raised.value.message


@pytest.mark.parametrize('options, fragment', [
    ({'max_age': '90d', 'rotate_before': '90d'}, 'rotate_before must be shorter than oauth_connector_max_age'),
    ({'max_age': '90d', 'warn_before': '100d'}, 'warn_before must be shorter'),
    ({'rotate_before': '10d'}, 'rotate_before needs oauth_connector_max_age'),
    ({'rotate_when_due': True}, 'rotate_when_due needs oauth_connector_max_age'),
    ({'max_failed_rotations': 0}, 'max_failed_rotations must be a whole number of at least 1'),
    ({'max_failed_rotations': '3'}, 'max_failed_rotations must be'),
    ({'max_age': '90d', 'rotate_when_due': True, 'create_credential': False},
     'rotate_when_due needs oauth_connector_create_credential'),
    ({'max_unused': '-3d'}, 'oauth_connector_max_unused must be a duration'),
])
def test_a_policy_that_cannot_work_is_refused(options, fragment):
    with pytest.raises(errors.ConfigurationError) as raised:
        Policy.from_options(options)
    assert fragment in raised.value.message


def test_rotation_falls_due_at_two_thirds_of_the_lifetime_by_default():
    policy = Policy.from_options({'max_age': '90d'})
    assert policy.rotate_before == 30 * DAY and policy.max_failed_rotations == 3
    assert Policy.from_options({'max_age': '90d', 'rotate_before': '10d'}).rotate_before == 10 * DAY


def conditions_of(created, last_used=None, **options):
    times, found = lifecycle.age_conditions(NOW, created, last_used, Policy.from_options(options))
    return times, dict((entry['type'], entry) for entry in found)


@pytest.mark.parametrize('age, due, expired', [
    (days_ago(59, 86399), False, False),  # one second before two thirds of 90 days
    (days_ago(60), True, False),          # the renewal time itself
    (days_ago(89, 86399), True, False),
    (days_ago(90), True, True),           # the end of the lifetime
])
def test_rotation_due_and_expired_at_their_boundaries(age, due, expired):
    times, found = conditions_of(age, max_age='90d')
    assert found['RotationDue']['status'] is due and found['Expired']['status'] is expired
    assert times['not_after'] == policy.iso(age + datetime.timedelta(days=90))
    assert times['renewal_time'] == policy.iso(age + datetime.timedelta(days=60))
    assert ('remediation' in found['RotationDue']) is due
    assert found['RotationDue']['computed_at'] == '2026-12-06T12:00:00Z'


@pytest.mark.parametrize('created, last_used, unused', [
    (days_ago(100), days_ago(29, 86399), False),
    (days_ago(100), days_ago(30), True),
    (days_ago(30), None, True),  # never used: counted from creation
    (days_ago(29), None, False),
])
def test_unused_at_its_boundary(created, last_used, unused):
    _times, found = conditions_of(created, last_used, max_unused='30d')
    assert found['Unused']['status'] is unused
    assert 'RotationDue' not in found  # no max_age, no lifetime conditions


def test_without_a_policy_only_the_times_are_reported():
    times, found = conditions_of(days_ago(3, 3600))
    assert found == {} and times['age_days'] == 3 and times['not_after'] is None


MARK = 'Managed by jama.connect for JCI https://jci, connector "c"'


def cred(client_id, description=MARK):
    return {'clientId': client_id, 'name': 'n-' + client_id, 'description': description}


def test_the_inventory_sorts_every_credential_once():
    listed = [cred('cur'), cred('conn', 'by hand'), cred('pend'), cred('old'), cred('orphan'), cred('x', 'by hand')]
    sorted_out = lifecycle.inventory(listed, {'conn'}, 'cur', 'pend', ['old'], MARK)
    ids = dict((kind, [entry['clientId'] for entry in creds]) for kind, creds in sorted_out.items())
    assert ids == {'in_use': ['cur', 'conn'], 'pending': ['pend'], 'retiring': ['old'], 'orphan': ['orphan'],
                   'foreign': ['x']}


@pytest.mark.parametrize('orphans, foreign, slots, expected', [
    (0, 0, 17, {'Orphans': False, 'ForeignCredentials': False, 'SlotsLow': False}),
    (1, 2, 18, {'Orphans': True, 'ForeignCredentials': True, 'SlotsLow': True}),
    (0, 0, 20, {'Orphans': False, 'ForeignCredentials': False, 'SlotsLow': True}),
])
def test_inventory_conditions(orphans, foreign, slots, expected):
    sorted_out = {'orphan': [cred('o%d' % n) for n in range(orphans)],
                  'foreign': [cred('f%d' % n, 'x') for n in range(foreign)]}
    found = dict((entry['type'], entry['status']) for entry in lifecycle.inventory_conditions(NOW, sorted_out, slots))
    assert found == expected


@pytest.mark.parametrize('failures, stalled', [(0, False), (2, False), (3, True), (5, True)])
def test_rotation_stalls_at_the_limit_and_says_a_person_must_act(failures, stalled):
    found = lifecycle.stalled_condition(NOW, failures, Policy.from_options({'max_age': '90d'}))
    assert found['status'] is stalled
    assert ('remediation' in found) is stalled


@pytest.mark.parametrize('test, failed, auth', [
    ({'success': True, 'authentication_errors': []}, False, False),
    ({'success': False, 'message': 'refused', 'authentication_errors': ['401']}, True, True),
    (None, False, False),
    ({'run': False, 'success': None, 'authentication_errors': []}, False, False),
])
def test_test_conditions(test, failed, auth):
    found = dict((entry['type'], entry['status']) for entry in lifecycle.test_conditions(NOW, test))
    assert found == {'TestFailed': failed, 'AuthErrorsInLog': auth}


@pytest.mark.parametrize('problems, verified, ready', [([], True, True), (['x'], True, False), ([], False, False)])
def test_ready(problems, verified, ready):
    assert lifecycle.ready_condition(NOW, problems, verified)['status'] is ready


@pytest.mark.parametrize('text, expected', [
    ('2015-10-28T22:33:16.524+0000', '2015-10-28T22:33:16Z'),
    ('2015-10-28T22:33:16Z', '2015-10-28T22:33:16Z'),
    (None, None),
])
def test_jamas_timestamps_read_as_utc(text, expected):
    assert policy.iso(policy.parse_time(text)) == expected


@pytest.mark.parametrize('text', ['90d', '36h', '30m', '1d', '25h'])
def test_durations_are_written_back_as_given(text):
    assert policy.duration_text(policy.parse_duration(text, 'x')) == text


RECORD = {'client_id': 'old', 'created': '2026-01-01T00:00:00Z', 'revision': 2, 'failed_rotations': 1}


@pytest.mark.parametrize('record, client_id, replaced, expected', [
    ({}, 'first', False, {'client_id': 'first', 'revision': 0}),                # the role's first credential
    ({}, 'new', True, {'client_id': 'new', 'revision': 1}),                     # replaces one it has no record of
    (RECORD, 'new', True, {'client_id': 'new', 'revision': 3}),                 # a rotation counts up, failures reset
    (RECORD, 'old', False, RECORD),                                             # the same credential: unchanged
])
def test_the_record_of_a_credential_that_becomes_current(record, client_id, replaced, expected):
    began = lifecycle.began(record, client_id, NOW, replaced)
    if expected is RECORD:
        assert began == RECORD
        return
    assert began == dict(expected, created='2026-12-06T12:00:00Z', failed_rotations=0)


@pytest.mark.parametrize('record, client_id, count, stalled', [
    ({}, 'old', 1, False),
    (RECORD, 'old', 2, False),
    (dict(RECORD, failed_rotations=2), 'old', 3, True),
    (RECORD, 'other', 1, False),                          # a record of another credential counts nothing for this one
    (dict(RECORD, failed_rotations='x'), 'old', 1, False),  # a hand-edited count starts again
])
def test_a_failed_rotation_counts_in_a_row_up_to_the_limit(record, client_id, count, stalled):
    failed = lifecycle.failed(record, client_id, NOW, 'jci_test_failed', 'JCI refused it')
    assert failed['client_id'] == client_id and failed['failed_rotations'] == count
    assert failed['last_failure'] == {'at': '2026-12-06T12:00:00Z', 'reason': 'jci_test_failed',
                                      'message': 'JCI refused it'}
    assert lifecycle.is_stalled(failed, client_id, Policy.from_options({})) is stalled
    assert lifecycle.failed_rotations(failed, 'someone-else') == 0


@pytest.mark.parametrize('record, expected', [
    ({'created': '2026-01-01T00:00:00Z'}, datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)),
    ({'created': 'yesterday'}, None), ({}, None),
])
def test_the_recorded_creation_time_or_none(record, expected):
    assert lifecycle.recorded_time(record) == expected


def test_the_stores_record_dates_the_credential_before_jamas_list():
    observed = {'listed': [{'clientId': 'cid', 'createdDate': '2026-12-01T00:00:00.000+0000'}], 'current_id': 'cid',
                'record': {'client_id': 'cid', 'created': '2026-06-01T00:00:00Z', 'revision': 4}}
    status = lifecycle.status_of(NOW, Policy.from_options({'max_age': '90d'}), observed, [], True, {'success': True})
    assert status['not_before'] == '2026-06-01T00:00:00Z' and status['revision'] == 4
    assert dict((entry['type'], entry['status']) for entry in status['conditions'])['Expired'] is True
    observed['record'] = dict(observed['record'], client_id='another')
    status = lifecycle.status_of(NOW, Policy.from_options({'max_age': '90d'}), observed, [], True, {'success': True})
    assert status['not_before'] == '2026-12-01T00:00:00Z' and status['revision'] is None


class FailingStore(Store):
    """A store whose next write fails (the disk full), then works."""

    def __init__(self, data):
        self.data = data
        self.fail = True

    def describe(self):
        return 'the test store'

    def read(self):
        return dict(self.data)

    def write(self, updates, remove=()):
        if self.fail:
            self.fail = False
            raise errors.TransportError('disk full')
        self.data.update(updates)
        for key in remove:
            self.data.pop(key, None)


def test_a_failed_write_leaves_the_record_as_the_store_last_confirmed_it():
    state = {'pending': {'name': 'n', 'client_id': 'new', 'client_secret': 's', 'replaces': 'old'},
             'lifecycle': dict(RECORD)}
    store = FailingStore({'jama_client_id': 'old', 'jama_client_secret': 'x', 'jama_credential_state': state})
    record = Record(Settings(jama_url='https://jama.example'), store)
    record.read()
    with pytest.raises(errors.JamaConnectError):
        record.save_current(Credential('new', 's', name='n', replaces='old'), NOW)
    # The promotion failed: a later write of this run (the failed rotation's count) must not carry half of it.
    assert record.pending['client_id'] == 'new' and record.retire == [] and record.lifecycle == RECORD
    record.count_failure('old', NOW, errors.TransportError('disk full'))
    written = store.data['jama_credential_state']
    assert written['pending']['client_secret'] == 's' and store.data['jama_client_id'] == 'old'
    assert written['lifecycle']['failed_rotations'] == 2
