# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The credential lifecycle inside the flows: the service user's credentials listed once per run (observe.py keeps
the list), a rotation when due, the role's orphans beside a converged environment, and the ``status`` of every
result. The decisions are lifecycle.py's and plan.py's (pure); the acts go through apply.py."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile import lifecycle, plan
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.converge import converge
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.model import ReconcileError
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.policy import duration_text, iso


def created_of(run, current):
    """When the current credential was created: the store's record (written when the role created or adopted it),
    else Jama's list (the modelled createdDate). The list is read either way (once per run, and the status needs it):
    its answer's Date is the "now" the age is measured against."""
    listed = run.observer.listed()
    recorded = lifecycle.recorded_time(lifecycle.record_for(run.record.lifecycle, current.client_id))
    return recorded or lifecycle.credential_times(listed, current.client_id)[0]


def rotation_due(run, current):
    """Whether configure rotates now: oauth_connector_rotate_when_due, the current credential is at or past its
    renewal time by Jama's clock, and its rotations have not stalled (stalled() says so at the end of the run)."""
    policy = run.s.policy
    if not policy.rotate_when_due or current is None:
        return False
    created = created_of(run, current)
    if not lifecycle.is_due(run.observer.now(), created, policy) or stalled(run, current):
        return False
    run.journal.observed('the credential %s was created %s: rotation is due (oauth_connector_max_age %s, rotated '
                         '%s before its end)' % (current.client_id, iso(created),
                                                 duration_text(policy.max_age),
                                                 duration_text(policy.rotate_before)))
    return True


def rotation(run, view, conn, dead=None):
    """A rotation (due, or asked for by jama.connect.rotate) through the shared path; one that fails before the store
    holds the new credential counts in the store's record (lifecycle.failed), and the limit stalls it."""
    client_id = view.current.client_id if view.current is not None else None
    try:
        converge(run, view, conn, rotate=True, dead=dead)
        run.evidence['rotated'] = run.record.current_id != client_id or run.journal.dry_run
    except errors.JamaConnectError as error:
        if run.record.current_id == client_id:
            note = run.acts.count_failed_rotation(client_id, error)
            if note:
                run.journal.observed(note)
        raise


def stalled(run, current):
    """Whether automation stopped rotating the current credential (lifecycle.is_stalled)."""
    return current is not None and lifecycle.is_stalled(run.record.lifecycle, current.client_id, run.s.policy)


def stalled_error(run, current):
    """configure, after everything else is done: a due rotation that stalled, as a failure a person must act on."""
    if not (current is not None and run.s.policy.rotate_when_due and stalled(run, current)
            and lifecycle.is_due(run.observer.now(), created_of(run, current), run.s.policy)):
        return None
    record = lifecycle.record_for(run.record.lifecycle, current.client_id)
    last = lifecycle.last_failure(record)
    return ReconcileError('rotation of the credential %s is due but stalled: %d rotation(s) in a row failed '
                          '(oauth_connector_max_failed_rotations %d), the last at %s: %s. The connector still works '
                          'with it' % (current.client_id, lifecycle.failed_rotations(record, current.client_id),
                                       run.s.policy.max_failed_rotations, last.get('at'), last.get('message')),
                          hint=lifecycle.STALLED_REMEDY, reason='rotation_stalled', heals=False)


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
    """check: the current credential past oauth_connector_max_age, or its rotations stalled, as problems."""
    found = []
    if current is None:
        return found
    created = created_of(run, current) if run.s.policy.max_age is not None else None
    if created is not None and lifecycle.is_expired(run.observer.now(), created, run.s.policy):
        found.append('the API credential %s is older than oauth_connector_max_age (created %s); %s'
                     % (current.client_id, iso(created), lifecycle.rotation_remedy(run.s.policy)))
    if stalled(run, current):
        found.append('rotations of the API credential %s stalled (%d failed in a row); %s' % (
            current.client_id, lifecycle.failed_rotations(run.record.lifecycle, current.client_id),
            lifecycle.STALLED_REMEDY))
    return found


def status(run, answer, look=True, unverified=None):
    """The result's ``status``. ``look``: list the service user's credentials if this run has not (a failed run
    reports what it saw, without another call); ``unverified``: why the run verified nothing, if it did not."""
    listed = run.observer.listed() if look else run.observer.seen()
    view = run.record
    conn = answer.get('connector') or {}
    observed = {'listed': listed, 'current_id': view.current_id or (answer.get('credential') or {}).get('client_id'),
                'in_use': [conn.get('client_id')] if conn.get('client_id') else [],
                'pending_id': view.pending.get('client_id'), 'retire': view.retire, 'marker': run.s.marker,
                'why_not': run.observer.list_error, 'record': view.lifecycle, 'connector': run.connector_facts}
    test = answer.get('jci_test') or {}
    verified = bool(answer.get('verified')) or (run.journal.dry_run and test.get('success') is True)
    problems = [text for text in answer.get('problems') or [] if text not in run.lifecycle_problems]
    return lifecycle.status_of(run.observer.now(), run.s.policy, observed, problems, verified, test,
                               unverified or why_unverified(run))


def why_unverified(run):
    """Why a run that found nothing wrong did not show the environment working, for Ready's message."""
    if run.s.flow == 'report':
        return 'JCI has no recorded test of the connector (the report runs none)'
    return None if run.journal.dry_run else 'not verified in this run'
