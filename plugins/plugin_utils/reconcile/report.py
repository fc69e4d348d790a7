# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The answer of one run, from its evidence and journal: the result, the verdict, the one-line headline shown at
default verbosity and the summary shown with -v. No I/O."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.jama.connect.plugins.module_utils.limits import CREDENTIALS_PER_USER
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.journal import PLANNED
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.lifecycle import needs_action


def result(settings, journal, evidence, status_of=None):
    """The task's result. A dry run verified nothing, whatever JCI recorded before. ``status_of``: a callable that
    makes the result's ``status`` (conditions, upkeep.py) from the answer."""
    answer = dict(evidence)
    answer['verified'] = bool(answer.get('verified')) and not journal.dry_run
    answer.update(changed=journal.anything_changed, actions=journal.texts(), cleaned_up=list(journal.cleaned_up))
    if status_of is not None:
        answer['status'] = status_of(answer)
    answer.update(summary=summary(settings, journal, answer), headline=headline(settings, journal, answer))
    return answer


def verdict(settings, journal, answer):
    if settings.flow == 'report':
        return 'observed (read only)'
    if journal.dry_run:
        planned = journal.count(PLANNED)
        return 'check mode, %d change(s) planned' % planned if journal.anything_changed else 'check mode, no change needed'
    if settings.flow == 'check':
        return 'healthy'
    if settings.flow == 'migrate':
        migrated = answer.get('migrated') or []
        return 'moved to OAuth: %s' % ', '.join(migrated) if migrated else 'no connector left on Basic'
    if journal.anything_changed:
        done = {'rotate': 'rotated', 'adopt': 'adopted'}.get(settings.flow, 'changed')
        if answer.get('rotated'):
            done = 'rotated'  # configure's rotation when due
        return '%s (%d action(s))' % (done, len(journal.entries))
    return 'converged, no change'


def headline(settings, journal, answer):
    """The one line shown at default verbosity: the environment, the verdict and what it rests on (the summary's
    other lines, shown with -v, say what was done)."""
    parts = [verdict(settings, journal, answer)]
    credential = answer.get('credential') or {}
    if credential.get('client_id'):
        checked = (answer.get('jama_check') or {}).get('user')
        parts.append('credential %s%s' % (credential.get('name') or credential['client_id'],
                                          ' verified against Jama' if checked else ''))
    parts.extend(test_part(answer.get('jci_test')))
    if answer.get('to_delete_by_hand'):
        parts.append('to delete by hand in Jama: %s' % ', '.join(answer['to_delete_by_hand']))
    bad = needs_action(answer.get('status') or {})
    parts.extend(lifecycle_part(answer.get('status') or {}, bad))
    if (journal.entries or bad) and settings.flow != 'report':  # the report's page says why and how to fix it
        parts.append('-v lists each step' if not bad else '-v says why and how to fix it')
    return '%s: %s' % (settings.environment, ', '.join(parts))


def failure_headline(environment, reason, heals, status):
    """The one line of a failed run: the environment, the typed outcome, and the conditions that need action (the
    error itself follows, as Ansible prints a failure)."""
    parts = ['failed (%s)' % reason, 'the next run heals it' if heals else 'a person must act']
    bad = needs_action(status or {})
    if bad:
        parts.append('needs attention: %s' % ', '.join(entry['type'] for entry in bad))
    return '%s: %s' % (environment, ', '.join(parts))


def lifecycle_part(status, bad):
    """The conditions at a glance: those that need action, or (when the credentials were listed) that none does."""
    if bad:
        return ['needs attention: %s' % ', '.join(entry['type'] for entry in bad)]
    if status.get('slots_used') is None:
        return []
    age = status.get('age_days')
    return ['conditions clear (%s%d of %d credentials of the service user)' % (
        'age %d d, ' % age if age is not None else '', status['slots_used'], CREDENTIALS_PER_USER)]


def test_part(test):
    if test and test.get('run', True):
        return ['JCI test %s' % ('passed' if test['success'] else 'failed')]
    if test:
        return ['JCI test not run (%s; last recorded: %s)' % (
            'read only' if 'report' in test.get('note', '') else 'check mode',
            {True: 'passed', False: 'failed', None: 'none'}[test['success']])]
    return []


def summary(settings, journal, answer):
    env = settings.environment
    credential = answer.get('credential') or {}
    connector = answer.get('connector') or {}
    if settings.flow == 'check' and answer.get('verified'):
        first = '%s: healthy; connector "%s" uses OAuth with client ID %s' % (
            env, settings.connector_name, credential.get('client_id'))
    elif settings.flow == 'report':
        first = '%s: %s' % (env, verdict(settings, journal, answer))
    elif journal.dry_run:
        first = '%s: check mode: %s' % (env, 'no change needed' if not journal.anything_changed else
                                        '%d change(s) planned' % journal.count(PLANNED))
    elif settings.flow == 'migrate':
        first = '%s: %s' % (env, ('moved to OAuth: ' + ', '.join(answer.get('migrated') or []))
                            if answer.get('migrated') else 'no connector left on Basic')
    else:
        first = '%s: connector "%s" uses OAuth with client ID %s%s' % (
            env, connector.get('name') or settings.connector_name, credential.get('client_id'),
            '' if journal.anything_changed else ' (no change)')
    return [first] + journal.texts() + evidence_lines(answer) + condition_lines(answer.get('status') or {})


def condition_lines(status):
    """Each condition that needs action, with its fix; the expiry warnings."""
    lines = ['%s: %s%s' % (entry['type'], entry['message'], ' (fix: %s)' % entry['remediation']
                           if entry.get('remediation') else '') for entry in needs_action(status)]
    return lines + ['warning: %s' % text for text in status.get('warnings') or []]


def evidence_lines(answer):
    """What the verdict rests on: the direct check against Jama and JCI's test (or, in check mode, why not)."""
    lines = []
    check = answer.get('jama_check')
    if check and check.get('user'):
        lines.append('Jama check: token for %s (%s license), valid %s s' % (
            check['user'], check.get('license_type'), check.get('expires_in')))
    elif check:
        lines.append('Jama check: %s' % check['note'])
    test = answer.get('jci_test')
    if test and not test.get('run', True):
        lines.append('JCI test: %s%s' % (test['note'], ': %s at %s, %s' % (
            'passed' if test['success'] else 'failed', test.get('recorded_at'), test.get('message'))
            if test['success'] is not None else ''))
    elif test:
        lines.append('JCI test: %s as %s in %s ms; %s' % (
            'passed' if test['success'] else 'failed', test.get('user'), test.get('latency_ms'),
            'no authentication errors in the connector log' if not test['authentication_errors']
            else '%d authentication error(s) in the log' % len(test['authentication_errors'])))
    return lines
