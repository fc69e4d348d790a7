# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet report's one dataset (docs/fleet-report.schema.json, README "The fleet report"): one entry per environment, made from the report flow's
result (plugin_utils/reconcile/flows.py ``report``: its conditions are the lifecycle's, never a second definition
of healthy), and the whole report merged from the entries present, whichever run or slice wrote them. The four
views (views.py, page.py) render this and nothing else. No I/O."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.jama.connect.plugins.module_utils.limits import CREDENTIALS_PER_USER
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.lifecycle import needs_action
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.policy import iso, parse_time

SCHEMA = 'jama.connect/fleet-report'
SCHEMA_VERSION = 1
# Every condition the report shows, in the order of its columns; "N/A" where one was not observed.
CONDITION_TYPES = ('Ready', 'RotationDue', 'Expired', 'Unused', 'RotationStalled', 'Orphans', 'ForeignCredentials',
                   'SlotsLow', 'TestFailed', 'AuthErrorsInLog', 'ConnectorMissing', 'BasicAuth', 'StoreStale',
                   'CredentialMissing')
# Who acts on each condition when it is bad: the collection's own entry point (automation: the next run fixes it)
# or a person (Azure Key Vault's users ask for exactly this beside each alert; lifecycle-facts.md).
OWNERS = {
    'Ready': 'jama.connect.configure', 'Orphans': 'jama.connect.configure', 'StoreStale': 'jama.connect.configure',
    'ConnectorMissing': 'jama.connect.configure', 'BasicAuth': 'jama.connect.migrate',
    'CredentialMissing': 'jama.connect.configure',
    'RotationStalled': 'Jama administrator', 'ForeignCredentials': 'Jama administrator',
    'SlotsLow': 'Jama administrator', 'Unused': 'JCI administrator', 'TestFailed': 'JCI administrator',
    'AuthErrorsInLog': 'JCI administrator', 'NotObserved': 'the environment\'s owner',
}
NOT_OBSERVED = 'NotObserved'


def owner_of(kind, policy):
    """Who acts on a bad condition. A due or expired credential is configure's when it rotates when due, rotate's
    when it may create credentials, else a person's (a credential made in Jama's UI, then adopt)."""
    if kind in ('RotationDue', 'Expired'):
        if policy.get('rotate_when_due'):
            return 'jama.connect.configure'
        return 'jama.connect.rotate' if policy.get('create_credential', True) else 'Jama administrator'
    return OWNERS[kind]


def entry_of(result, owner=None):
    """One environment's entry from its report-flow result (a failed one too: its row then says why it was not
    observed, and whether the next run heals that)."""
    facts = result.get('report_facts') or {}
    owner = str(owner) if owner not in (None, '') else None
    outcome = _outcome(result)
    # What a run that could not observe the environment saw is not the environment's state: its one condition is
    # NotObserved, and every other is unknown (N/A), never a guess.
    status = (result.get('status') or {}) if outcome['observed'] else {}
    policy = facts.get('policy')
    conditions = [_condition(entry, policy or {}) for entry in status.get('conditions') or []]
    if not outcome['observed']:
        conditions.insert(0, _not_observed(result, owner))
    bad = [entry['type'] for entry in conditions if _is_bad(entry)]
    keys = ('environment', 'jama_url', 'jci_url', 'connector_name', 'service_user', 'store')
    entry = dict((key, facts.get(key)) for key in keys)
    entry.update({
        'owner': owner, 'observed_at': _observed_at(status), 'policy': policy, 'outcome': outcome,
        'healthy': not bad, 'needs_action': bad, 'connector': _connector(result if outcome['observed'] else {}),
        'credential': _credential(result if outcome['observed'] else {}, status),
        'slots': {'used': status.get('slots_used'), 'limit': CREDENTIALS_PER_USER},
        'inventory': _inventory(status.get('inventory')), 'conditions': conditions,
        'warnings': list(status.get('warnings') or []),
    })
    return entry


def _outcome(result):
    # The reconciler says whether it observed the environment (its 'observed'); any other result (a task that failed
    # before it ran) was not observed.
    observed = bool(result.get('observed')) and not result.get('failed')
    if observed:
        return {'observed': True, 'reason': None, 'message': None, 'heals_on_next_run': None}
    return {'observed': False, 'reason': result.get('reason') or 'failed', 'message': result.get('msg'),
            'heals_on_next_run': result.get('heals_on_next_run')}


def _not_observed(result, owner):
    """The condition of an environment the report could not observe: the failure's words (its fix said once, as the
    remediation), whether the next run heals it, and who acts."""
    message = result.get('msg') or 'the report could not observe this environment'
    hint = result.get('hint')
    if hint and message.endswith('. Fix: %s' % hint):
        message = message[:-len('. Fix: %s' % hint)]
    heals = result.get('heals_on_next_run')
    return {'type': NOT_OBSERVED, 'status': True, 'reason': result.get('reason') or 'failed',
            'message': '%s (%s)' % (message, 'the next run heals it' if heals else 'a person must act'),
            'remediation': hint or 'read the message, fix its cause and run the report again',
            'owner': 'the next run' if heals else owner or OWNERS[NOT_OBSERVED]}


def _is_bad(entry):
    return bool(needs_action({'conditions': [entry]})) if entry['type'] != NOT_OBSERVED else True


def _condition(entry, policy):
    found = dict((key, entry.get(key)) for key in ('type', 'status', 'reason', 'message'))
    if _is_bad(entry):
        found.update(remediation=entry.get('remediation'), owner=owner_of(entry['type'], policy))
    return found


def _observed_at(status):
    for entry in status.get('conditions') or []:
        if entry.get('computed_at'):
            return entry['computed_at']
    return None


def _connector(result):
    """The connector as the report read it; ``exists`` None when the environment was not observed."""
    connector = result.get('connector') or {}
    test = result.get('jci_test') or {}
    recorded = test.get('success')
    return {'exists': bool(connector) if result else None, 'authentication_type': connector.get('authentication_type'),
            'client_id': connector.get('client_id'), 'url': connector.get('url'),
            'last_test': {'time': _iso(test.get('recorded_at')),
                          'result': None if recorded is None else ('passed' if recorded else 'failed'),
                          'message': test.get('message')},
            'auth_errors': list(test.get('authentication_errors') or [])}


def _iso(stamp):
    """JCI's timestamp as the report's ISO 8601 UTC, or None (an unreadable one too)."""
    try:
        return iso(parse_time(stamp))
    except ValueError:
        return None


def _credential(result, status):
    times = dict((key, status.get(key)) for key in ('not_before', 'age_days', 'last_used', 'renewal_time', 'not_after'))
    return dict(client_id=(result.get('credential') or {}).get('client_id'), created=times.pop('not_before'),
                revision=status.get('revision'), failed_rotations=status.get('failed_rotations'), **times)


def _inventory(inventory):
    if inventory is None:
        return None
    return dict((kind, [cred.get('client_id') for cred in creds]) for kind, creds in sorted(inventory.items()))


def not_run(environment, why):
    """The entry of an environment whose report task never ran to the end (a templating error, a crash): the build
    adds it for every host of the play that wrote no fragment, so no environment drops out silently."""
    return entry_of({'report_facts': {'environment': environment}, 'reason': 'not_run', 'heals_on_next_run': False,
                     'msg': why, 'hint': "read the job's output for this host, fix the cause and run the report again"})


def merged(entries, generated):
    """The report from every environment's entry (sorted by name, so slices merge the same whatever their order)."""
    entries = sorted(entries, key=lambda entry: str(entry.get('environment')))
    policies = [entry.get('policy') for entry in entries]
    same = all(policy == policies[0] for policy in policies) if policies else True
    healthy = len([entry for entry in entries if entry['healthy']])
    unseen = len([entry for entry in entries if not entry['outcome']['observed']])
    return {'schema': SCHEMA, 'schema_version': SCHEMA_VERSION, 'generated': generated,
            'policy': policies[0] if policies and same else None, 'policy_varies': not same,
            'summary': {'environments': len(entries), 'healthy': healthy, 'needs_action': len(entries) - healthy,
                        'not_observed': unseen},
            'environments': entries}


# Characters XML 1.0 does not allow (JCI's or Jama's text may carry them, an ANSI escape say): a JUnit file or a page
# that holds one does not parse, and a CI gate on it errors out.
XML_ILLEGAL = re.compile(u'[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')


def printable(text):
    """``text`` as str with the characters XML does not allow removed."""
    return XML_ILLEGAL.sub('', str(text))


def cell(entry, kind):
    """A condition as the CSV and the page show it: true/false, or N/A where it was not observed."""
    for condition in entry['conditions']:
        if condition['type'] == kind:
            return 'N/A' if condition['reason'] == NOT_OBSERVED else ('true' if condition['status'] else 'false')
    return 'N/A'
