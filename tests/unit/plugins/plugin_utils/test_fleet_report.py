"""The fleet report (plugins/plugin_utils/fleet/, plugins/action/fleet_report.py): a seeded fleet holding every
condition, observed by the engine's report flow against the emulator, in all four views; the report flow's no-write
property; slices merging into the same report; and the dataset's decisions as tables. The page in a real browser is
tests/browser/."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import csv
import datetime
import io
import json
import os
import re
import xml.etree.ElementTree as ET

import jsonschema
import pytest

from ansible_collections.jama.connect.plugins.action.fleet_report import build, fragment_name, write_atomically
from ansible_collections.jama.connect.plugins.plugin_utils.fleet import dataset, views
from ansible_collections.jama.connect.plugins.plugin_utils.fleet import page as page_module
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.policy import Policy
from ansible_collections.jama.connect.tests.unit.plugins.plugin_utils.fleet_seed import observe, seed_fleet
from ansible_collections.jama.connect.tests.unit.plugins.plugin_utils.reconcile_env import Environment

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, '..', '..', '..', '..')
SCHEMA = os.path.join(ROOT, 'docs', 'fleet-report.schema.json')
ISO = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$')
NOW = datetime.datetime(2026, 12, 6, 12, 0, tzinfo=datetime.timezone.utc)
# What each seeded environment needs action on (fleet_seed.SCENARIOS).
EXPECTED = {
    'healthy': [], 'aged': [], 'orphan': ['Orphans'], 'foreign': ['ForeignCredentials'], 'due': ['RotationDue'],
    'expired': ['Ready', 'RotationDue', 'Expired'], 'unused': ['Unused'], 'slots-low': ['ForeignCredentials', 'SlotsLow'],
    'basic': ['Ready', 'BasicAuth'], 'missing-connector': ['Ready', 'ConnectorMissing'],
    'failed-test': ['Ready', 'TestFailed', 'AuthErrorsInLog', 'CredentialMissing'],
    'stale-store': ['Ready', 'StoreStale'], 'credential-deleted': ['Ready', 'CredentialMissing'],
    'jci-down': ['NotObserved'],
}
# CSV cells that prove each condition's own columns, per environment.
CSV_CELLS = {
    'orphan': {'orphans': 'true'}, 'foreign': {'foreign_credentials': 'true'},
    'due': {'rotation_due': 'true', 'expired': 'false'},
    'expired': {'expired': 'true'}, 'unused': {'unused': 'true', 'rotation_due': 'N/A'},
    'slots-low': {'slots_low': 'true', 'slots_used': '18', 'slots_limit': '20'},
    'basic': {'basic_auth': 'true', 'authentication_type': 'basic'},
    'missing-connector': {'connector_missing': 'true', 'authentication_type': 'N/A', 'last_test_result': 'N/A',
                          'auth_errors_logged': 'N/A'},
    'failed-test': {'test_failed': 'true', 'auth_errors_in_log': 'true', 'last_test_result': 'failed'},
    'stale-store': {'store_stale': 'true', 'credential_missing': 'false'},
    'credential-deleted': {'credential_missing': 'true', 'last_test_result': 'passed'},
    'jci-down': {'outcome': 'server_error', 'heals_on_next_run': 'true', 'ready': 'N/A', 'authentication_type': 'N/A',
                 'orphan_client_ids': 'N/A', 'warnings': 'N/A'},
    'healthy': {'healthy': 'true', 'needs_action': 'none', 'ready': 'true', 'last_test_result': 'passed',
                'auth_errors_logged': '0'},
    'aged': {'healthy': 'true', 'rotation_due': 'false'},
}


def written(dest):
    return dict((name, open(os.path.join(dest, name), encoding='utf-8').read())
                for name in ('report.json', 'report.csv', 'report.html', 'report.xml'))


def write_fleet(results, dest, owners=None):
    for name, result in results.items():
        entry = dataset.entry_of(result, (owners or {}).get(name))
        os.makedirs(os.path.join(dest, 'environments'), exist_ok=True)
        write_atomically(os.path.join(dest, 'environments', fragment_name(entry['environment'])), views.as_json(entry))
    return build(dest, now=NOW)


def test_a_seeded_fleet_shows_every_condition_in_all_four_views_and_no_secret(emulator, tmp_path):
    results, secrets = seed_fleet(emulator, tmp_path / 'fleet')
    dest = str(tmp_path / 'report')
    write_fleet(results, dest, owners={'basic': 'team-platform'})
    files = written(dest)
    # JSON: the documented schema, one entry per environment, each one's conditions.
    report = json.loads(files['report.json'])
    with open(SCHEMA, encoding='utf-8') as handle:
        jsonschema.validate(report, json.load(handle))
    entries = dict((entry['environment'], entry) for entry in report['environments'])
    assert sorted(entries) == sorted(EXPECTED)
    assert dict((name, entry['needs_action']) for name, entry in entries.items()) == EXPECTED
    assert report['summary'] == {'environments': 14, 'healthy': 2, 'needs_action': 12, 'not_observed': 1}
    assert report['policy'] is None and report['policy_varies'] is True and report['generated'] == '2026-12-06T12:00:00Z'
    assert entries['aged']['warnings'] and 'expires at' in entries['aged']['warnings'][0]
    assert entries['failed-test']['connector']['auth_errors'] and entries['basic']['owner'] == 'team-platform'
    for entry in entries.values():
        for condition in entry['conditions']:
            if condition['type'] in entry['needs_action']:
                assert condition['owner'] and condition['remediation'], condition
    # CSV: the documented columns in order, one row per environment, ISO times and N/A where unknown.
    rows = list(csv.DictReader(io.StringIO(files['report.csv'])))
    assert [column for column, _read in views.COLUMNS] == next(csv.reader(io.StringIO(files['report.csv'])))
    by_name = dict((row['environment'], row) for row in rows)
    assert len(rows) == 14
    for name, cells in CSV_CELLS.items():
        assert dict((key, by_name[name][key]) for key in cells) == cells, name
    assert by_name['orphan']['orphan_client_ids'] != 'N/A' and by_name['healthy']['orphan_client_ids'] == 'none'
    # Every column carries a value for some environment of the fleet: none is always N/A.
    assert [column for column, _read in views.COLUMNS if all(row[column] == 'N/A' for row in rows)] == []
    for row in rows:
        for column in ('observed_at', 'credential_created', 'credential_last_used', 'last_test_time'):
            assert row[column] == 'N/A' or ISO.match(row[column]), (column, row[column])
        assert row['needs_action'] == (';'.join(EXPECTED[row['environment']]) or 'none')
    # JUnit: one case per environment, failing exactly where action is needed, naming the conditions and the fix.
    suite = ET.fromstring(files['report.xml'])
    cases = dict((case.get('name'), case) for case in suite.iter('testcase'))
    assert sorted(cases) == sorted(EXPECTED) and suite.get('failures') == '11' and suite.get('errors') == '1'
    for name, case in cases.items():
        failure = case.find('error' if name == 'jci-down' else 'failure')
        assert (failure is not None) == bool(EXPECTED[name]), name
        if failure is not None and name != 'jci-down':
            assert failure.get('message') == 'needs action: %s' % ', '.join(EXPECTED[name])
            assert 'owner:' in failure.text and 'fix:' in failure.text
    # HTML: self-contained (no URL it could load), every environment and bad condition as a word.
    page = files['report.html']
    assert "default-src 'none'" in page and not re.search(r'(src|href)=', page)
    assert page.count('<tr data-environment=') == 14 and page.count('<td data-sort=') == 14 * page.count('<th scope')
    for name, kinds in EXPECTED.items():
        assert 'data-environment="%s"' % name in page
        for kind in kinds:
            assert 'data-condition="%s"' % kind in page
    assert 'Not observed' in page and 'the next run heals it' in page
    # No secret, token or password in any file written.
    for path, text in [(name, files[name]) for name in files] + [
            (name, open(os.path.join(dest, 'environments', name), encoding='utf-8').read())
            for name in os.listdir(os.path.join(dest, 'environments'))]:
        assert not [secret for secret in secrets if secret in text], path


def test_the_report_flow_only_reads_and_requests_no_token(emulator, tmp_path):
    env = Environment(emulator, tmp_path)
    env.run()
    before = env.credentials()
    emulator.admin('DELETE', '/requests')
    for check_mode in (False, True):
        result = env.run('report', check_mode=check_mode, policy=Policy.from_options({'max_unused': '30d'}))
        assert result['changed'] is False and result['actions'] == []
    log = [entry for entry in emulator.request_log() if entry['agent'] == 'jama.connect-ansible-collection']
    assert set(entry['method'] for entry in log) == {'GET'}
    # At most four calls per environment: the connector, its log, the service user and its credentials.
    assert [entry['operation'] for entry in log[:len(log) // 2]] == [
        'listConnectors', 'getConnectorLogs', 'getUsers', 'getUserApiCredentials']
    # Jama's record of the credential's last use did not move.
    assert env.credentials() == before


def test_a_report_reports_unfinished_work_instead_of_refusing_it(emulator, tmp_path):
    env = Environment(emulator, tmp_path)
    env.run()
    data = env.vault_data()
    data['jama_credential_state'] = {'retire': ['0123456789abcdef01234567']}
    env.write_vault(data)
    result = observe(env, 'dev', Policy())
    entry = dataset.entry_of(result)
    assert entry['outcome']['observed'], result
    assert 'StoreStale' in entry['needs_action']


def test_slices_of_a_fleet_make_the_same_report_as_one_run(emulator, tmp_path):
    results, _secrets = seed_fleet(emulator, tmp_path / 'fleet', scenarios=[
        (name, {}, None) for name in ('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i')])
    whole = str(tmp_path / 'whole')
    write_fleet(results, whole)
    sliced = str(tmp_path / 'sliced')
    names = sorted(results)
    for start in (2, 0, 1):  # three slices, in any order, each building the views from what is there
        write_fleet(dict((name, results[name]) for name in names[start::3]), sliced)
    assert written(whole) == written(sliced)


def test_an_empty_directory_makes_an_empty_report(tmp_path):
    _paths, report = build(str(tmp_path), now=NOW)
    assert report['summary'] == {'environments': 0, 'healthy': 0, 'needs_action': 0, 'not_observed': 0}
    assert ET.fromstring(written(str(tmp_path))['report.xml']).get('tests') == '0'


FAILED = {'failed': True, 'outcome': 'heals_next_run', 'reason': 'transport', 'msg': 'JCI could not be reached',
          'heals_on_next_run': True, 'hint': 'check the network', 'report_facts': {
              'environment': 'prod', 'jama_url': 'https://jama', 'jci_url': 'https://jci', 'connector_name': 'c',
              'service_user': 'jci_service', 'store': 'v.yml', 'policy': None}}


def test_an_environment_that_was_not_observed_is_a_row_that_says_why():
    entry = dataset.entry_of(dict(FAILED, failed=False, observed=False))
    assert entry['outcome'] == {'observed': False, 'reason': 'transport', 'message': 'JCI could not be reached',
                                'heals_on_next_run': True}
    assert entry['needs_action'] == ['NotObserved'] and entry['conditions'][0]['owner'] == 'the next run'
    assert dataset.cell(entry, 'Ready') == 'N/A'
    row = dict(zip([column for column, _read in views.COLUMNS],
                   next(csv.reader(io.StringIO(views.as_csv(dataset.merged([entry], 'x')).splitlines()[1])))))
    assert row['outcome'] == 'transport' and row['healthy'] == 'false' and row['client_id'] == 'N/A'
    assert row['heals_on_next_run'] == 'true' and row['ready'] == 'N/A' and row['test_failed'] == 'N/A'
    assert entry['connector']['exists'] is None and 'the next run heals it' in entry['conditions'][0]['message']


@pytest.mark.parametrize('kind, policy, owner', [
    ('RotationDue', {'rotate_when_due': True, 'create_credential': True}, 'jama.connect.configure'),
    ('Expired', {'rotate_when_due': False, 'create_credential': True}, 'jama.connect.rotate'),
    ('RotationDue', {'rotate_when_due': False, 'create_credential': False}, 'Jama administrator'),
    ('BasicAuth', {}, 'jama.connect.migrate'),
    ('ForeignCredentials', {}, 'Jama administrator'),
    ('AuthErrorsInLog', {}, 'JCI administrator'),
])
def test_who_acts_on_each_condition(kind, policy, owner):
    assert dataset.owner_of(kind, policy) == owner


@pytest.mark.parametrize('first, second', [('prod/eu', 'prod_eu'), ('prod eu', 'prod_eu'), ('Prod', 'prod'),
                                           ('../x', '.._x')])
def test_a_fragment_file_name_is_safe_and_never_shared_by_two_environments(first, second):
    names = [fragment_name(first), fragment_name(second)]
    assert names[0] != names[1] and names[0].lower() != names[1].lower()
    for name in names:
        assert '/' not in name and not name.startswith('.') and name.endswith('.json')


@pytest.mark.parametrize('value, text', [(None, 'N/A'), ([], 'none'), (True, 'true'), (False, 'false'),
                                         (['a', 'b'], 'a;b'), (0, '0'), ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
                                         ('-prod', "'-prod"), ('@team', "'@team"), ('a\x1bb', 'ab')])
def test_csv_cells_follow_the_iam_credential_reports_conventions(value, text):
    assert views._text(value) == text  # pylint: disable=protected-access


def test_the_readme_lists_the_csv_columns_in_their_order():
    with open(os.path.join(ROOT, 'README.md'), encoding='utf-8') as handle:
        text = handle.read()
    listed = text.split('<!-- fleet-report-columns -->')[1].split('<!-- /fleet-report-columns -->')[0]
    assert re.findall(r'`([a-z_]+)`', re.sub(r'\([^)]*\)', '', listed)) == [column for column, _read in views.COLUMNS]


def test_an_environment_refused_before_the_engine_ran_is_a_valid_row_without_its_url_password(tmp_path):
    from ansible_collections.jama.connect.plugins.action.oauth_connector_reconcile import report_facts
    facts = report_facts({'jama_url': 'https://admin:S3cret@jama.example.com/', 'jci': {'url': 'https://u:p@jci/'},
                          'connector_name': 'c', 'service_user': 'jci_service', 'environment_name': 'prod'}, None, None)
    assert facts['jama_url'] == 'https://jama.example.com/' and facts['jci_url'] == 'https://jci/'
    entry = dataset.entry_of({'report_facts': facts, 'outcome': 'operator_must_act', 'reason': 'configuration',
                              'msg': 'jama_url must not hold a user name or password', 'heals_on_next_run': False,
                              'observed': False}, owner=42)
    os.makedirs(str(tmp_path / 'environments'))
    write_atomically(str(tmp_path / 'environments' / fragment_name('prod')), views.as_json(entry))
    _paths, report = build(str(tmp_path), now=NOW)
    with open(SCHEMA, encoding='utf-8') as handle:
        jsonschema.validate(report, json.load(handle))
    files = written(str(tmp_path))
    assert report['policy_varies'] is False and entry['owner'] == '42'
    assert not [name for name, text in files.items() if 'S3cret' in text]
    suite = ET.fromstring(files['report.xml'])
    assert suite.get('errors') == '1' and suite.find('.//error').get('message').startswith('not observed: ')


def test_a_host_whose_task_failed_before_its_fragment_gets_a_row_and_check_mode_writes_nothing(tmp_path):
    dest = str(tmp_path / 'report')
    paths, report = build(dest, now=NOW, not_run=['prod'], write=False)
    assert not os.path.exists(dest) and report['environments'][0]['needs_action'] == ['NotObserved']
    paths, report = build(dest, now=NOW, not_run=['prod'])
    entry = report['environments'][0]
    assert entry['outcome']['reason'] == 'not_run' and os.path.exists(paths['html'])
    assert os.listdir(os.path.join(dest, 'environments')) == [fragment_name('prod')]


def test_control_characters_from_a_remote_system_leave_every_view_parseable(tmp_path):
    entry = dataset.entry_of(dict(FAILED, observed=False, msg='JCI said \x1b[31mno\x1b[0m \x00 <&>'))
    report = dataset.merged([entry], 'x')
    ET.fromstring(views.as_junit(report))
    page = page_module.as_html(report)
    assert '\x1b' not in page and '\x00' not in page and '&lt;&amp;&gt;' in page
