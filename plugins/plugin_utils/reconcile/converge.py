# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The path configure, rotate and migrate share: settle what an earlier run left, choose the credential the
connector should use, point the connector at it, verify, promote it in the store, hand it to a mirror, and clean up
what nothing uses any more, in that order, so nothing that works is broken. ``run`` is the run's rooms
(engine.Rooms): these functions decide with plan.py and act through apply.py and verify.py."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.module_utils.connectors import connector_view, diff_view
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile import lifecycle, plan
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.model import Credential, ReconcileError


def converge(run, view, conn, rotate=False, dead=None, target=None):
    """``target``: the credential to use, already verified and recorded (adopt); else settle_and_choose's."""
    cur = view.current
    target = target or settle_and_choose(run, view, force_new=rotate, dead=dead)
    previous = cur if (cur is not None and dead is None and plan.converged(conn, cur, run.s)) else None
    unchanged = conn is not None and not target.planned and plan.converged(conn, target, run.s)
    # A connector moved off a credential may leave orphans of ours behind (a pending one from an earlier run, say); a
    # connector that had none, or keeps its credential, cannot. The credential it started on goes only if this store
    # held it (retire_and_clean).
    moved_off = conn is not None and conn.get('clientId') and conn.get('clientId') != target.client_id
    run.started_on = conn.get('clientId') if conn is not None else None
    conn = run.acts.point_connector(conn, target)
    failure = run.verifier.pointed(conn, unchanged)
    if failure is not None:
        undo(run, conn, target, previous, *failure)
    if target is not cur:
        run.acts.promote(target)
    run.acts.hand_to_mirror(target)
    credential_changed = target is not cur or bool(run.journal.cleaned_up)
    retire_and_clean(run, target, [conn.get('clientId') if conn else None], needed=credential_changed or moved_off)
    run.evidence['connector'] = connector_view(conn)
    run.evidence['credential'] = {'client_id': target.client_id, 'name': target.name}
    run.evidence['verified'] = True
    run.diff['after'] = {'connector': diff_view(connector_view(conn), secret_sent=target is not cur)}


def settle_and_choose(run, view, force_new=False, dead=None):
    """The credential the connector should use: a verified current one, a verified pending one left by an earlier
    run, or a new one (created, handed off to the store as pending, and verified)."""
    candidate = settle_pending(run, view) if view.pending else None
    if candidate is not None:
        return candidate
    cur = view.current
    if cur is not None and not force_new and dead is None:
        error = run.verifier.verify(cur)
        if error is None:
            return cur
        if not plan.is_dead(error):
            raise error
        dead = cur
        run.journal.observed('found that the credential %s no longer works against Jama (%s)'
                             % (cur.client_id, error.message))
    if not (run.s.create_credential or force_new):
        raise no_credential(run, view, dead)
    return run.acts.create_credential(replaces=plan.replaced_by_new(force_new, view))


def no_credential(run, view, dead):
    source = run.s.source
    if dead is not None:
        what = 'the API credential %s in %s no longer works against Jama' % (dead.client_id, source)
    elif run.record.store is not None and view.partial:
        what = '%s holds the client ID but not the secret (%s) of the API credential' % (source, run.s.client_secret_var)
    else:
        what = ('no API credential for %s in %s (%s/%s)'
                % (run.s.service_user, source, run.s.client_id_var, run.s.client_secret_var))
    if run.record.store is None:
        return ReconcileError(what, hint='give oauth_connector_client_id and oauth_connector_client_secret of a '
                                         'working credential of %s, or keep the credential in '
                                         'oauth_connector_vault_file instead' % run.s.service_user,
                              reason='no_credential')
    rotate = ', or run jama.connect.rotate, which replaces it' if (dead is not None or view.partial) else ''
    return ReconcileError(
        what, hint='set oauth_connector_create_credential=true (with a Jama administrator in '
                   'oauth_connector_jama_admin, or the JAMA_* variables a "Jama Connect administrator" credential '
                   'injects) and run again%s; or create one by hand (My Profile > Set API Credentials, logged in as %s) '
                   'and put its client ID and secret into %s' % (rotate, run.s.service_user, source),
        reason='no_credential')


def settle_pending(run, view):
    """Finish or undo what an earlier run recorded as pending. Returns a verified credential, or None."""
    pending = view.pending
    name = pending.get('name')
    if pending.get('adopted'):
        return settle_adopted(run, pending)
    listed = run.observer.credentials()
    if pending.get('family'):
        settle_family(run, listed, pending)
        return None
    found = [cred for cred in listed if cred.get('name') == name]
    if plan.resumable(pending, found):
        cred = Credential(str(pending['client_id']), str(pending['client_secret']), name=name,
                          replaces=pending.get('replaces'))
        error = run.verifier.verify(cred)
        if error is None:
            run.journal.observed('resumed the unfinished change to credential %s recorded in %s'
                                 % (cred.label(), run.s.store))
            return cred
        if not plan.is_dead(error):
            raise error
    if found and run.acts.delete_credential(
            found[0], planned='delete credential %s, left by an interrupted run (its secret was never stored)' % name,
            done='deleted credential %s, left by an interrupted run' % name):
        run.journal.deleted(name)
    run.acts.clear_pending()
    return None


def adopted_credential(run, client_id, secret, replaced):
    """A credential a person made, as the engine adopts it: dated by Jama where its list can be read, and replacing
    ``replaced`` only there (an administrator and the credential API); otherwise that one is named for a person and
    never queued where no run could finish it."""
    listed = run.observer.listed()
    if replaced and listed is None:
        delete_by_hand(run, replaced, 'the adopted credential replaces it')
        replaced = None
    return Credential(client_id, secret, replaces=replaced, adopted=True,
                      created=lifecycle.credential_times(listed, client_id)[0])


def delete_by_hand(run, client_id, why):
    """A credential a person must delete in Jama's UI (no run can, or may): in the result, its line and the summary."""
    if not client_id:
        return
    run.evidence.setdefault('to_delete_by_hand', []).append(client_id)
    run.journal.observed('the credential %s is to delete by hand in Jama (My Profile > Set API Credentials, logged in '
                         'as %s) once nothing uses it: %s' % (client_id, run.s.service_user, why))


def settle_adopted(run, pending):
    """A credential a person made, recorded by an adopt run that stopped before it finished: resumed while Jama accepts
    it; the record goes when Jama refuses it (the person made it, so nothing of ours is left in Jama)."""
    cred = adopted_credential(run, str(pending['client_id']), str(pending['client_secret']), pending.get('replaces'))
    error = run.verifier.verify(cred)
    if error is None:
        run.journal.observed('resumed adopting the credential %s recorded in %s' % (cred.client_id, run.s.store))
        return cred
    if not plan.is_dead(error):
        raise error
    run.journal.observed('the credential %s an adopt run recorded in %s no longer works against Jama (%s); its record '
                         'goes' % (cred.client_id, run.s.store, error.message))
    run.acts.clear_pending()
    return None


def settle_family(run, listed, pending):
    """A record left by jama_api_credential's action on the same vault file (handoff.py): its lost credentials go,
    only when they are the service user's and no connector uses them."""
    if pending.get('user') != run.s.service_user:
        raise ReconcileError('%s records an interrupted jama_api_credential run for %s\'s credential %s'
                             % (run.s.store, pending.get('user'), pending.get('name')),
                             hint='run that jama_api_credential task again: it finishes its own record',
                             reason='unfinished_rotation')
    used = set(conn.get('clientId') for conn in run.observer.connectors() if conn.get('clientId'))
    lost = [cred for cred in plan.unfinished_family(listed, pending, run.record.current_id)
            if cred.get('clientId') not in used]  # a connector that uses one proves its secret was not lost
    for cred in lost:
        if run.acts.delete_credential(cred, keep=used, planned='delete credential %s, left by an interrupted '
                                      'jama_api_credential run' % cred.get('name'),
                                      done='deleted credential %s, left by an interrupted jama_api_credential run'
                                      % cred.get('name')):
            run.journal.deleted(cred.get('name'))
    run.acts.clear_pending()


def undo(run, conn, target, previous, failure, hint, heals):
    """The connector was pointed at ``target`` and not verified through JCI: go back where it is safe."""
    typed = {'hint': hint, 'reason': 'jci_test_failed', 'heals': heals}
    pending = run.record.pending.get('client_id') == target.client_id
    if previous is not None and previous.client_id != target.client_id:
        try:
            run.acts.point_back(conn, previous)
        except errors.JamaConnectError as error:
            where = ('it may be on either credential (the answer was lost)' if error.details.get('answer_lost')
                     else 'it stays on %s' % target.client_id)
            raise ReconcileError('%s; putting the connector back on %s failed too (%s), so %s. %s holds both '
                                 'credentials, so the next run resumes %s and tests it again'
                                 % (failure, previous.client_id, error.message, where,
                                    run.s.store, target.client_id), **typed)
        left = _drop_new(run, target, previous) if pending and not target.adopted else \
            _keep_adopted(run, target) if pending else []
        raise ReconcileError('%s. The connector is back on the previous credential %s%s'
                             % (failure, previous.client_id, ('; ' + '; '.join(left)) if left else ''), **typed)
    if pending:
        # Nothing known to work to go back to: the connector keeps the new credential, and so does the store.
        run.acts.promote(target)
    raise ReconcileError('%s. The connector uses credential %s, which works against Jama directly and is in %s'
                         % (failure, target.client_id, run.s.source), **typed)


def _keep_adopted(run, target):
    """Undo of adopt: the connector is back on the previous credential; the adopted one, made by a person, stays in
    Jama and in the store's record (its secret was shown once), so the next run tries it again. Returns what is
    left."""
    return ['the adopted credential %s stays in Jama (a person made it) and in %s, so the next run tries it again once '
            'the cause is fixed; a later jama.connect.adopt with another credential replaces it'
            % (target.client_id, run.s.store)]


def _drop_new(run, target, previous):
    """Undo, after the connector is back on the previous credential: delete the new one. Returns what is left."""
    left = []
    try:
        listed = {'id': run.observer.credential_id(target), 'clientId': target.client_id, 'name': target.name}
        # This run's own new credential, which the connector was just moved off: nobody else can have it yet.
        run.acts.delete_credential(listed, keep=[previous.client_id], confirm=False,
                                   done='deleted the new credential %s again' % target.client_id)
    except errors.JamaConnectError as error:
        left.append('deleting the new credential %s failed (%s); %s still names it, so the next run deletes it'
                    % (target.client_id, error.message, run.s.store))
        return left
    try:
        run.acts.clear_pending()
    except ReconcileError as error:
        left.append('%s still names the deleted credential (%s); the next run clears that' % (run.s.store, error.message))
    return left


def retire_and_clean(run, target, in_use, needed=True):
    """Delete what was replaced and this connector's own orphans, once nothing uses them. Orphans are looked for
    only when this run changed which credential is in use, or was told to retire one; beside a converged
    environment, upkeep.clean_orphans looks for them."""
    scope = plan.cleanup_scope(run.record.retire, needed, run.journal.anything_changed,
                               run.observer.admin_configured)
    if scope == 'skip':
        return
    if scope == 'unchecked':
        run.evidence['orphans_checked'] = False
        return
    try:
        listed = run.observer.credentials()
    except errors.ModelledPathMissing:
        # A Jama without the credential API this project models: no run can delete here, so what was queued goes to
        # a person instead of blocking every later run.
        run.evidence['orphans_checked'] = False
        for client_id in run.record.retire:
            delete_by_hand(run, client_id, 'this Jama does not serve the credential API')
        run.acts.clear_retired()
        return
    keep = plan.keep_set(target.client_id, in_use, run.record.current_id, run.record.pending.get('client_id'))
    foreign = plan.foreign_credential(run.started_on, run.record.held)
    doomed, kept = plan.doomed_credentials(listed, keep, run.record.retire, run.s.marker, foreign)
    for cred in kept:
        run.journal.observed('kept credential %s (%s): the connector used it when this run started, but %s never held '
                             'it, so another store may (a mistyped oauth_connector_controller_credential name or vault '
                             'file path?); delete it in Jama once nothing uses it'
                             % (cred.get('name'), foreign, run.s.store))
    run.acts.delete_doomed(doomed, target)
    run.evidence['orphans_checked'] = True
    run.acts.clear_retired()
