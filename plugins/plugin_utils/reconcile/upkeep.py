# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The credential lifecycle inside the flows: the service user's credentials listed once per run (observe.py keeps
the list), a rotation when due, the role's orphans beside a converged environment, and the ``status`` of every
result. The decisions are lifecycle.py's and plan.py's (pure); the acts go through apply.py."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.jama.connect.plugins.plugin_utils.reconcile import lifecycle, plan


def rotation_due(run, current):
    """Whether configure rotates now: oauth_connector_rotate_when_due, and the current credential is at or past
    its renewal time by Jama's clock. Lists the service user's credentials only when that option is on."""
    policy = run.s.policy
    if not policy.rotate_when_due or current is None:
        return False
    created = lifecycle.credential_times(run.observer.listed(), current.client_id)[0]
    due = lifecycle.is_due(run.observer.now(), created, policy)
    if due:
        run.journal.observed('the credential %s was created %s: rotation is due (oauth_connector_max_age %s, rotated '
                             '%s before its end)' % (current.client_id, lifecycle.iso(created),
                                                     lifecycle.duration_text(policy.max_age),
                                                     lifecycle.duration_text(policy.rotate_before)))
    return due


def clean_orphans(run, current, conn):
    """Beside a converged environment: delete this connector's own credentials that no store holds and no connector
    uses (a vault file restored from a backup leaves them), through apply.delete_doomed and its guard."""
    listed = run.observer.listed()
    if listed is None:
        return
    keep = plan.keep_set(current.client_id, [conn.get('clientId')], run.record.current_id, None)
    doomed, _kept = plan.doomed_credentials(listed, keep, [], run.s.marker)
    run.acts.delete_doomed(doomed, current)


def expired(run, current):
    """check: the current credential past oauth_connector_max_age, as a problem (None when it is not)."""
    if current is None or run.s.policy.max_age is None:
        return None
    created = lifecycle.credential_times(run.observer.listed(), current.client_id)[0]
    if created is None or not lifecycle.is_expired(run.observer.now(), created, run.s.policy):
        return None
    return 'the API credential %s is older than oauth_connector_max_age (created %s); run jama.connect.rotate' % (
        current.client_id, lifecycle.iso(created))


def status(run, answer, look=True, unverified=None):
    """The result's ``status``. ``look``: list the service user's credentials if this run has not (a failed run
    reports what it saw, without another call); ``unverified``: why the run verified nothing, if it did not."""
    listed = run.observer.listed() if look else run.observer.seen()
    view = run.record
    conn = answer.get('connector') or {}
    observed = {'listed': listed, 'current_id': view.current_id or (answer.get('credential') or {}).get('client_id'),
                'in_use': [conn.get('client_id')] if conn.get('client_id') else [],
                'pending_id': view.pending.get('client_id'), 'retire': view.retire, 'marker': run.s.marker,
                'why_not': run.observer.list_error}
    test = answer.get('jci_test') or {}
    verified = bool(answer.get('verified')) or (run.journal.dry_run and test.get('success') is True)
    if unverified is None and not run.journal.dry_run:
        unverified = 'not verified in this run'
    return lifecycle.status_of(run.observer.now(), run.s.policy, observed, answer.get('problems') or [], verified,
                               test, unverified)
