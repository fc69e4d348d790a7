"""Checks of the report target (runme.sh):
    compare.py same WHOLE SLICED   the report of three slices equals the report of one run: JSON, CSV and JUnit,
                                   the generated and observed times aside (each slice observes when it runs)
    compare.py gets CONFIG          since the log was cleared, the collection only read (GET) from the emulator
    compare.py broken DIR           the environment the report could not observe is a row that says why
"""
import csv
import json
import os
import sys
import urllib.request
import xml.etree.ElementTree as ET


def load(dest):
    with open(os.path.join(dest, 'report.json'), encoding='utf-8') as handle:
        report = json.load(handle)
    report.pop('generated')
    for entry in report['environments']:
        entry.pop('observed_at')
    with open(os.path.join(dest, 'report.csv'), encoding='utf-8') as handle:
        rows = [dict(row, observed_at=None) for row in csv.DictReader(handle)]
    cases = sorted((case.get('name'), case.find('failure') is not None or case.find('error') is not None)
                   for case in ET.parse(os.path.join(dest, 'report.xml')).iter('testcase'))
    return report, rows, cases


def same(whole, sliced):
    first, second = load(whole), load(sliced)
    assert first == second, 'the sliced report differs from the whole one'
    report = first[0]
    assert report['summary']['environments'] == 9, report['summary']
    assert sorted(entry['owner'] for entry in report['environments']) == ['team-0'] * 3 + ['team-1'] * 3 + ['team-2'] * 3
    assert all(entry['outcome']['observed'] and entry['slots']['used'] for entry in report['environments'])
    print('ok: 3 slices of 9 environments make the same report as one run')


def gets(config):
    with open(config, encoding='utf-8') as handle:
        admin = json.load(handle)['emulator_admin_url']
    with urllib.request.urlopen(admin + '/requests', timeout=10) as response:
        log = json.loads(response.read())['data']
    ours = [entry for entry in log if entry['agent'] == 'jama.connect-ansible-collection']
    methods = sorted(set(entry['method'] for entry in ours))
    assert methods == ['GET'], methods
    # Jama's documented limit (10 calls a second) throttles nine environments at once: its 429s are retried.
    throttled = [entry for entry in ours if entry.get('status') == 429]
    per_environment = (len(ours) - len(throttled)) / 9
    operations = sorted(set((entry['operation'], sum(1 for other in ours if other['operation'] == entry['operation']))
                            for entry in ours))
    assert per_environment <= 4, operations
    print('ok: the report made %d calls for 9 environments, all GET (%d of them retries after a 429)'
          % (len(ours), len(throttled)))


def broken(dest):
    report, _rows, cases = load(dest)
    entries = dict((entry['environment'], entry) for entry in report['environments'])
    assert sorted(entries) == ['broken', 'untemplated-env'], sorted(entries)
    for entry in entries.values():
        assert not entry['outcome']['observed'] and entry['needs_action'][0] == 'NotObserved', entry
    assert entries['untemplated-env']['outcome']['reason'] == 'not_run', entries['untemplated-env']['outcome']
    errors = [case.get('name') for case in ET.parse(os.path.join(dest, 'report.xml')).iter('testcase')
              if case.find('error') is not None]
    assert sorted(errors) == ['broken', 'untemplated-env'], errors
    print('ok: the environments not observed are rows: %s' % ', '.join(
        '%s (%s)' % (name, entry['outcome']['reason']) for name, entry in sorted(entries.items())))


if __name__ == '__main__':
    {'same': same, 'gets': gets, 'broken': broken}[sys.argv[1]](*sys.argv[2:])
