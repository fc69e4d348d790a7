# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The four flows as ordered steps: observe (observe.py, the store through record.py), decide (plan.py), then the
shared path (converge.py) or the flow's own acts. Each takes the run's rooms (engine.Rooms)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.module_utils.connectors import connector_view, diff_view
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile import plan, upkeep
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.converge import (
    adopted_credential, converge, delete_by_hand, settle_and_choose)
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.converge import retire_and_clean
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.model import ReconcileError


def read_store(run):
    """The store's view; unfinished work that only an administrator can finish stops every flow but check."""
    view = run.record.read()
    # An adopt run's record needs no administrator to finish: nothing of it is to delete in Jama.
    adopted_only = bool(view.pending.get('adopted')) and not view.retire
    if not view.clean and not run.observer.admin_configured and run.s.flow != 'check' and not adopted_only:
        raise errors.ConfigurationError(
            '%s records unfinished work (%s) that only a Jama administrator can finish: set '
            'oauth_connector_jama_admin (or module_defaults for group/jama.connect.jama, or JAMA_URL, '
            'JAMA_USERNAME and JAMA_PASSWORD) and run again' % (
                run.s.store, 'credential %s' % (view.pending.get('name') or view.pending.get('client_id')) if view.pending
                else '%d replaced credential(s) to delete' % len(view.retire)))
    return view


def configure(run):
    view = read_store(run)
    conn = run.observer.connector()
    run.diff['before'] = {'connector': diff_view(connector_view(conn))}
    cur = view.current
    if not (view.clean and plan.converged(conn, cur, run.s)):
        # A due rotation also follows unfinished work: the next run finishes an interrupted one, or starts it again.
        if upkeep.rotation_due(run, cur):
            upkeep.rotation(run, view, conn)
            return
        converge(run, view, conn)
        # Had converge replaced the credential, the record would describe the new one, and nothing is stalled.
        stalled = upkeep.stalled_error(run, cur)
        if stalled is not None:
            raise stalled
        return
    passed, _outcome = run.verifier.test(conn)
    # A dry run reads JCI's last recorded test: a failed one is reported, not acted on (configure would test again
    # and replace the credential only if Jama no longer accepts it).
    working = passed or not run.evidence['jci_test'].get('run', True)
    # A due rotation starts only from a connector that works: one JCI cannot test is diagnosed below instead of
    # being rotated (and rolled back) on every run.
    if working and upkeep.rotation_due(run, cur):
        upkeep.rotation(run, view, conn)
        return
    if working:
        run.acts.hand_to_mirror(cur)
        upkeep.clean_orphans(run, cur, conn)
        run.evidence['connector'] = connector_view(conn)
        run.evidence['credential'] = {'client_id': cur.client_id}
        run.evidence['verified'] = True
        run.diff['after'] = dict(run.diff['before'])
        stalled = upkeep.stalled_error(run, cur)
        if stalled is not None:
            raise stalled
        return
    error = run.verifier.verify(cur)
    if error is None:
        raise ReconcileError(run.verifier.failure(conn) + '; the credential %s itself works against Jama, so the '
                             'cause is between JCI and Jama' % cur.client_id,
                             hint=run.evidence['jci_test']['hint'], reason='jci_test_failed')
    if not plan.is_dead(error):
        raise error
    run.journal.observed('found that the credential %s no longer works against Jama (%s)'
                         % (cur.client_id, error.message))
    converge(run, view, conn, dead=cur)


def rotate(run):
    if run.record.store is None:
        raise errors.ConfigurationError('rotation needs oauth_connector_vault_file, '
                                        'oauth_connector_controller_credential or oauth_connector_hashi_vault: the new '
                                        'secret must be handed off into one of them')
    view = read_store(run)
    conn = run.observer.connector()
    run.diff['before'] = {'connector': diff_view(connector_view(conn))}
    start = plan.rotation_start(view)
    if start == 'nothing':
        where = (' under %s/%s' % (run.s.client_id_var, run.s.client_secret_var)) if run.s.vault_file else ''
        raise ReconcileError('nothing to rotate: %s holds no credential%s' % (run.s.store, where),
                             hint='run jama.connect.configure first', reason='nothing_to_rotate')
    if conn is None:
        raise ReconcileError('nothing to rotate: JCI has no connector named "%s"' % run.s.connector_name,
                             hint='run jama.connect.configure first', reason='nothing_to_rotate')
    dead = None
    if start == 'resume':
        # A verified credential left by an interrupted rotation finishes that rotation; anything else is cleaned up
        # and a new rotation starts.
        run.journal.observed('found an unfinished change recorded in %s; resolving it first' % run.s.store)
    elif start == 'retire':
        # The rotation itself finished (the store holds the new credential); only deleting the old one did not.
        # Finish that rather than rotate a second time.
        run.journal.observed('found a finished rotation whose old credential is still to delete; deleting it')
        converge(run, view, conn)
        return
    elif start == 'probe':
        error = run.verifier.verify(view.current)
        if error is not None and not plan.is_dead(error):
            raise error
        dead = view.current if error is not None else None
    upkeep.rotation(run, view, conn, dead=dead)


def check(run):
    view = read_store(run)
    conn = run.observer.connector()
    cur = view.current
    problems = store_problems(run, view)
    run.lifecycle_problems = upkeep.expired(run, cur)
    problems.extend(run.lifecycle_problems)
    problems.extend(connector_problems(run, conn, cur))
    _checked(run, conn, cur, problems)
    if problems:
        raise ReconcileError('unhealthy: ' + '; '.join(problems), details={'problems': problems}, reason='unhealthy')


def report(run):
    """The fleet report's observation (jama.connect.report): check's reads and decisions, with no write and nothing
    Jama records moved. No token is requested with the credential it reports on (that would move its lastUsedDate
    and erase the Unused it reports), JCI's test is not run (its last recorded test is read, and the connector's log
    for authentication errors since), and the store's unfinished work is reported, not refused. The engine runs it
    as a dry run (engine.py), so no act of apply.py could write."""
    view = run.record.read()
    conn = run.observer.connector()
    cur = view.current
    problems = store_problems(run, view, verify=False)
    stale = list(problems)
    run.lifecycle_problems = upkeep.expired(run, cur)
    problems.extend(run.lifecycle_problems)
    drift = plan.drift_problems(conn, cur, run.s) if conn is not None and conn.get('authenticationType') == 'oauth' \
        else []
    problems.extend(connector_problems(run, conn, cur))
    if conn is not None:
        if run.evidence['jci_test'] is None:
            run.verifier.test(conn)  # a Basic connector's last recorded test too: a dry run only reads it
        run.verifier.logged_auth_errors(conn)
    listed = run.observer.listed()
    missing = gone_from_jama(listed, [cur.client_id if cur is not None else None, (conn or {}).get('clientId')])
    problems.extend('the credential %s is not among the service user\'s credentials in Jama (deleted?)' % client_id
                    for client_id in missing)
    run.connector_facts = {'exists': conn is not None, 'name': run.s.connector_name,
                           'authentication_type': (conn or {}).get('authenticationType'), 'stale': stale + drift,
                           'listed': listed is not None, 'missing': missing}
    _checked(run, conn, cur, problems)


def gone_from_jama(listed, client_ids):
    """The client IDs (the store's, the connector's) that Jama's list of the service user's credentials lacks: the
    report requests no token, so this is how it sees a credential deleted behind its back. [] when not listed."""
    if listed is None:
        return []
    known = set(cred.get('clientId') for cred in listed)
    return sorted(set(client_id for client_id in client_ids if client_id and client_id not in known))


def connector_problems(run, conn, cur):
    """check's and report's words for a connector that is missing, on Basic, drifted or failing JCI's test."""
    if conn is None:
        return ['no connector named "%s" in JCI' % run.s.connector_name]
    if conn.get('authenticationType') != 'oauth':
        return ['the connector still uses Basic authentication (not tested, to avoid lockouts); migrate it with '
                'jama.connect.migrate']
    problems = plan.drift_problems(conn, cur, run.s)
    passed, _outcome = run.verifier.test(conn)
    if not passed:
        test = run.evidence['jci_test']
        problems.append('%s (%s)' % (run.verifier.failure(conn), test.get('hint')) if test.get('run', True) else
                        "JCI's last recorded test of the connector failed at %s: %s (no test was run)"
                        % (test.get('recorded_at'), test.get('message')))
    return problems


def _checked(run, conn, cur, problems):
    run.evidence['connector'] = connector_view(conn)
    run.evidence['problems'] = problems
    run.evidence['verified'] = not problems
    if cur is not None:
        run.evidence['credential'] = {'client_id': cur.client_id}


def store_problems(run, view, verify=True):
    """What check finds wrong with the store's credential (verified against Jama unless ``verify`` is false: the
    report requests no token), its mirror and its record."""
    problems = []
    cur = view.current
    source = run.s.source
    if cur is None:
        problems.append('no API credential in %s' % source)
    elif verify:
        error = run.verifier.verify(cur)
        if error is not None:
            problems.append('the API credential %s fails against Jama: %s' % (cur.client_id, error.message))
    if run.mirror is not None and cur is not None and not run.mirror.holds(cur.client_id):
        problems.append('%s does not hold the current credential %s; jama.connect.configure hands it over'
                        % (run.mirror.describe(), cur.client_id))
    if view.pending:
        problems.append('%s records an unfinished change (credential %s); jama.connect.configure finishes it'
                        % (source, view.pending.get('name') or view.pending.get('client_id')))
    if view.retire:
        problems.append('%s records %d replaced credential(s) still to delete; jama.connect.configure deletes them'
                        % (source, len(view.retire)))
    return problems


def migrate(run):
    view = read_store(run)
    mine, basic = plan.migration_scope(run.observer.connectors(), run.s.jama_url)
    if not mine:
        raise ReconcileError('nothing to migrate: JCI has no connector for %s' % run.s.jama_url,
                             hint='create one with jama.connect.configure', reason='nothing_to_migrate')
    if view.pending.get('replaces'):
        # An interrupted rotation: finishing it moves the configured connector off a working credential, which is
        # rotate's (or configure's) job, not migrate's.
        raise ReconcileError('%s records an unfinished rotation (credential %s)' % (run.s.store, view.pending.get('name')),
                             hint='run jama.connect.configure or jama.connect.rotate to finish it, then migrate',
                             reason='unfinished_rotation')
    target = settle_and_choose(run, view)
    if not target.planned and target is not view.current:
        run.acts.promote(target)
    migrated = []
    for conn in basic:
        _switch(run, conn, target)
        migrated.append(conn['name'])
    tested = len(migrated) + _test_others(run, mine, migrated, target)
    run.evidence['migrated'] = migrated
    run.acts.hand_to_mirror(target)
    retire_and_clean(run, target, [conn.get('clientId') for conn in mine], needed=target is not view.current)
    run.evidence['credential'] = {'client_id': target.client_id, 'name': target.name}
    # Verified means a connector on this credential passed JCI's test in this run.
    run.evidence['verified'] = tested > 0


def _switch(run, conn, target):
    """One connector from Basic to OAuth, tested through JCI; put back on Basic when the test fails."""
    if not run.acts.switch_to_oauth(conn, target):
        return
    failure = run.verifier.through_jci(conn)
    if failure is not None:
        failure, hint, _heals = failure
        run.acts.back_to_basic(conn, failure, hint)


def _test_others(run, mine, migrated, target):
    """The OAuth connectors migrate did not switch: those on the target are tested, the others left alone. Returns
    how many were tested."""
    tested = 0
    for conn in mine:
        if conn.get('authenticationType') != 'oauth' or conn['name'] in migrated:
            continue
        if conn.get('clientId') != target.client_id:
            run.journal.observed('left the OAuth connector "%s" alone: it uses another credential (%s)'
                                 % (conn['name'], conn.get('clientId')))
            continue
        passed = run.verifier.retest(conn)
        if passed is None:
            continue
        if not passed:
            raise ReconcileError(run.verifier.failure(conn), hint=run.evidence['jci_test']['hint'],
                                 reason='jci_test_failed')
        tested += 1
        run.journal.observed('tested the OAuth connector "%s": passed' % conn['name'])
    return tested


def adopt(run):
    """Step 1 of Jama's article done by a person (Jama's UI), the rest as configure does it: the credential is
    verified against Jama as the service user, recorded in the store before anything else, and the connector pointed
    at it through the no-broken-window path; the credential it replaces is deleted where the credential API is
    available, else named for deletion by hand."""
    view = read_store(run)
    conn = run.observer.connector()
    run.diff['before'] = {'connector': diff_view(connector_view(conn))}
    client_id = run.s.adopt[0]
    cur = view.current
    if cur is not None and cur.client_id == client_id and view.clean:
        run.journal.observed('%s already holds the credential %s; nothing to adopt' % (run.s.store, client_id))
        converge(run, view, conn)
        return
    replaced = cur.client_id if cur is not None and cur.client_id != client_id else None
    converge(run, view, conn, target=_take_adopted(run, view, replaced))


def _take_adopted(run, view, replaced):
    """The credential to adopt, verified against Jama as the service user and recorded in the store (unless an
    earlier adopt run recorded it already). What it replaces is queued for deletion only where an administrator
    can delete it."""
    client_id, secret = run.s.adopt
    pending = view.pending
    resuming = pending.get('adopted') and pending.get('client_id') == client_id
    if pending and not pending.get('adopted'):
        raise ReconcileError('%s records unfinished work (credential %s)' % (run.s.store, pending.get('name')),
                             hint='run jama.connect.configure to finish it, then adopt', reason='unfinished_rotation')
    if pending and not resuming:
        # An earlier adoption JCI refused: this one supersedes it; a person made that credential, so it stays in Jama.
        delete_by_hand(run, pending.get('client_id'), 'an earlier adopt run recorded it; this one replaces it')
    given = adopted_credential(run, client_id, secret, replaced)
    error = run.verifier.verify(given)
    if error is not None:
        raise ReconcileError('the credential %s given to adopt does not work against Jama as %s: %s'
                             % (client_id, run.s.service_user, error.message),
                             hint='copy the client ID and secret again from Jama\'s UI, or create a new credential '
                             'there while logged in as %s and adopt that one' % run.s.service_user, reason='adopt_refused',
                             heals=error.heals_on_next_run)
    if not resuming:
        run.acts.record_adopted(given)
    return given


FLOWS = {'configure': configure, 'rotate': rotate, 'check': check, 'migrate': migrate, 'adopt': adopt,
         'report': report}
