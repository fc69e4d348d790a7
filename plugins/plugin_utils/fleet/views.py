# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet report's JSON, CSV and JUnit views of the dataset (dataset.py); the HTML page is page.py. Pure
functions from the merged report to text."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

from ansible_collections.jama.connect.plugins.plugin_utils.fleet.dataset import (
    CONDITION_TYPES, NOT_OBSERVED, cell, printable)

NA = 'N/A'


def _text(value):
    """A cell in the IAM credential report's style: N/A where unknown, ``none`` for a list that was read and is
    empty, true/false, lists joined by ';'. Text a spreadsheet would run as a formula (from the inventory or a remote
    system) is quoted with a leading '."""
    if value is None:
        return NA
    if value == []:
        return 'none'
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, list):
        value = ';'.join(str(item) for item in value)
    text = printable(value)
    return "'" + text if text[:1] in FORMULA else text


FORMULA = ('=', '+', '-', '@', '\t', '\r')


def snake(kind):
    return re.sub(r'(?<!^)(?=[A-Z])', '_', kind).lower()


def _inventory(entry, kind):
    inventory = entry.get('inventory')
    return None if inventory is None else inventory.get(kind) or []


# (column, how it is read from an environment's entry), in the CSV's documented, stable order (README).
COLUMNS = (
    ('environment', lambda e: e['environment']),
    ('owner', lambda e: e['owner']),
    ('observed_at', lambda e: e['observed_at']),
    ('healthy', lambda e: e['healthy']),
    ('needs_action', lambda e: e['needs_action']),
    ('outcome', lambda e: 'observed' if e['outcome']['observed'] else e['outcome']['reason']),
    ('heals_on_next_run', lambda e: e['outcome']['heals_on_next_run']),
    ('jama_url', lambda e: e['jama_url']),
    ('jci_url', lambda e: e['jci_url']),
    ('connector', lambda e: e['connector_name']),
    ('authentication_type', lambda e: e['connector']['authentication_type']),
    ('service_user', lambda e: e['service_user']),
    ('client_id', lambda e: e['credential']['client_id']),
    ('credential_created', lambda e: e['credential']['created']),
    ('credential_age_days', lambda e: e['credential']['age_days']),
    ('credential_last_used', lambda e: e['credential']['last_used']),
    ('credential_renewal_time', lambda e: e['credential']['renewal_time']),
    ('credential_not_after', lambda e: e['credential']['not_after']),
    ('credential_revision', lambda e: e['credential']['revision']),
    ('failed_rotations', lambda e: e['credential']['failed_rotations']),
    ('last_test_time', lambda e: e['connector']['last_test']['time']),
    ('last_test_result', lambda e: e['connector']['last_test']['result']),
    ('auth_errors_logged', lambda e: len(e['connector']['auth_errors']) if e['connector']['exists'] else None),
    ('slots_used', lambda e: e['slots']['used']),
    ('slots_limit', lambda e: e['slots']['limit']),
    ('orphan_client_ids', lambda e: _inventory(e, 'orphan')),
    ('foreign_client_ids', lambda e: _inventory(e, 'foreign')),
    ('store', lambda e: e['store']),
    ('warnings', lambda e: e['warnings'] if e['outcome']['observed'] else None),
) + tuple((snake(kind), lambda e, kind=kind: cell(e, kind)) for kind in CONDITION_TYPES)


def as_json(report):
    return json.dumps(report, indent=2, sort_keys=True) + '\n'


def as_csv(report):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator='\n')
    writer.writerow([column for column, _read in COLUMNS])
    for entry in report['environments']:
        writer.writerow([_text(read(entry)) for _column, read in COLUMNS])
    return out.getvalue()


def failure_text(entry):
    """Each bad condition with who acts and the fix, one per line."""
    bad = [item for item in entry['conditions'] if item['type'] in entry['needs_action']]
    lines = ['%s: %s (owner: %s; fix: %s)' % (item['type'], item['message'], item.get('owner'), item.get('remediation'))
             for item in bad]
    if entry['owner']:
        lines.insert(0, 'environment owner: %s' % entry['owner'])
    return printable('\n'.join(lines))


def as_junit(report):
    """One test case per environment, failing when it needs action (ansible's junit callback's shape)."""
    summary = report['summary']
    errors = len([entry for entry in report['environments'] if NOT_OBSERVED in entry['needs_action']])
    counts = {'tests': str(summary['environments']), 'failures': str(summary['needs_action'] - errors),
              'errors': str(errors)}
    suites = ET.Element('testsuites', name='jama.connect fleet report', **counts)
    suite = ET.SubElement(suites, 'testsuite', name='jama.connect.report', skipped='0',
                          timestamp=str(report['generated']), **counts)
    for entry in report['environments']:
        case = ET.SubElement(suite, 'testcase', classname='jama.connect.report', name=printable(entry['environment']),
                             time='0')
        if entry['owner']:
            # CI routes a failure to the team that owns the environment.
            ET.SubElement(ET.SubElement(case, 'properties'), 'property', name='owner', value=printable(entry['owner']))
        if not entry['outcome']['observed']:
            # Not observed: the test could not run, an error in JUnit's words (a failure is a test that ran and failed).
            error = ET.SubElement(case, 'error', type=printable(entry['outcome']['reason']),
                                  message='not observed: %s' % printable(entry['outcome']['message']))
            error.text = failure_text(entry)
        elif entry['needs_action']:
            failure = ET.SubElement(case, 'failure', type='NeedsAction',
                                    message='needs action: %s' % ', '.join(entry['needs_action']))
            failure.text = failure_text(entry)
        else:
            ET.SubElement(case, 'system-out').text = printable('healthy: %s' % '; '.join(
                item['message'] for item in entry['conditions'] if item['type'] == 'Ready'))
    return ET.tostring(suites, encoding='unicode') + '\n'
