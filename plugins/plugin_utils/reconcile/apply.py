# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The acts: every call that changes Jama, JCI or the store, and every call that moves what Jama records (a token
request moves a credential's last use; JCI's test makes one). This is the only room that knows check mode: in a
dry run each act is planned in the journal and nothing is sent (verify.py, its sibling at the edge, reads what is
recorded instead of testing). ``delete_credential`` is the only function that deletes a Jama credential."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.module_utils.connectors import planned_changes
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile import plan
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.model import (
    REFUSED, Credential, ReconcileError, new_credential_name, reason_of)


class Acts:
    """One run's acts, in the order the flows call them. ``verifier``: the run's Verifier (verify.py), which a new
    credential passes before anything uses it. ``mirror``: a controller credential that gets a copy of the store's
    current credential (plugin_utils/stores/controller_sink.py ControllerSink), or None."""

    def __init__(self, settings, observer, record, journal, verifier, basic_probe=None, mirror=None):
        self.s = settings
        self.dry_run = journal.dry_run
        self.jci = observer.jci
        self.journal = journal
        self.verifier = verifier
        self.observer = observer
        self.record = record
        self.basic_probe = basic_probe
        self.mirror = mirror

    # --- Jama credentials ---------------------------------------------------------------------
    def delete_credential(self, listed, keep=(), confirm=True, planned=None, done=None):
        """Delete one of the service user's credentials (as Jama lists it). Refuses one the store's current
        credential or ``keep`` names (what a connector or the store uses): the invariant "deleted only when neither
        store nor connector uses it" is enforced here. ``confirm``: read the store back first, so a job whose store
        another job replaced deletes nothing. Returns whether it was deleted."""
        client_id = listed.get('clientId')
        if client_id and client_id in set(keep) | {self.record.current_id}:
            raise ReconcileError('refusing to delete credential %s (%s): it is in use' % (listed.get('name'), client_id),
                                 hint='report this as a bug of jama.connect', reason='internal_guard')
        if self.dry_run:
            self.journal.planned(planned)
            return False
        if confirm:
            self.record.confirm()
        try:
            self.observer.admin().delete_credential(listed['id'], self.observer.user_id)
        except errors.JamaConnectError:
            self.observer.forget()  # a delete that failed may have happened
            raise
        self.observer.deleted(listed['id'])
        if done:
            self.journal.changed(done)
        return True

    def create_credential(self, replaces=None):
        """A new credential, its secret handed off to the store (write-ahead) and verified against Jama."""
        if self.record.store is None:
            raise errors.ConfigurationError('creating a credential needs oauth_connector_vault_file or '
                                            'oauth_connector_controller_credential: Jama shows the secret once, and it '
                                            'must be handed off into one of them')
        name = new_credential_name(self.s.credential_name)
        admin = self.observer.admin()
        if self.dry_run:
            self.journal.planned('create credential %s for %s and hand its secret off to %s'
                                 % (self.s.credential_name + '-<time>', self.s.service_user, self.s.store))
            return Credential(None, None, name=name, replaces=replaces, planned=True)
        # Write-ahead: the store names the credential before Jama is asked to create it, so a lost answer or a killed
        # run leaves a record the next run resolves (it deletes the credential if Jama made it).
        self.record.pending = {'name': name, 'replaces': replaces}
        self.record.save()
        created = self._created(admin, name)
        cred = Credential(created.get('clientId'), created.get('clientSecret'), name=name, replaces=replaces)
        self.record.pending = {'name': name, 'client_id': cred.client_id, 'client_secret': cred.client_secret,
                               'replaces': replaces}
        try:
            self.record.save()
        except errors.JamaConnectError as error:
            self._revoke(created, cred, 'writing its secret to %s failed (%s)' % (self.s.store, reason_of(error)),
                         cause=error)
        self.journal.changed('created credential %s for %s; its secret is in %s'
                             % (cred.label(), self.s.service_user, self.s.store))
        error = self.verifier.verify(cred)
        if error is not None:
            self._revoke(created, cred, 'it does not work against Jama (%s)' % error.message, hint=error.hint,
                         cause=error)
        return cred

    def _created(self, admin, name):
        unknown = ('creating API credential %s: %%s; Jama may have created it. %s records the attempt; the next run '
                   'deletes that credential if it exists and creates a new one' % (name, self.s.store))
        self.observer.forget()
        try:
            created = admin.create_credential(name, self.s.marker, self.observer.user_id)
        except REFUSED:
            # Jama refused before creating anything: the record can go.
            self.record.pending = {}
            self.record.save()
            raise
        except errors.JamaConnectError as error:
            # A lost answer, or one that cannot be trusted (5xx, not JSON): Jama may have acted. Keep the record.
            raise ReconcileError(unknown % error.message, hint=error.hint, reason='answer_lost', heals=True)
        if not isinstance(created, dict) or not created.get('clientId') or not created.get('clientSecret') \
                or not created.get('id'):
            raise ReconcileError(unknown % 'the answer holds no client ID and secret', reason='answer_lost', heals=True)
        return created

    def _revoke(self, created, cred, why, hint=None, cause=None):
        """Delete a credential this run just created, then fail saying exactly what is left. ``cause``: the error
        behind ``why``, which decides whether the next run is expected to succeed."""
        heals = bool(cause is not None and cause.heals_on_next_run)
        try:
            # This run's own new credential: no connector uses it yet, and the store names it only as pending.
            self.delete_credential(created, confirm=False)
        except errors.JamaConnectError as error:
            raise ReconcileError('the new credential %s was created but %s, and deleting it failed too (%s). %s still '
                                 'names it, so the next run deletes it' % (cred.label(), why, error.message,
                                                                           self.s.store), hint=hint,
                                 reason='new_credential_failed', heals=heals)
        cleared = True
        try:
            self.record.pending = {}
            self.record.save()
        except errors.JamaConnectError:
            cleared = False
        raise ReconcileError('the new credential %s was created but %s; it was deleted again%s'
                             % (cred.label(), why, '' if cleared else ' (%s still names it; the next run clears '
                                                                      'that)' % self.s.store), hint=hint,
                             reason='new_credential_failed', heals=heals)

    def delete_doomed(self, doomed, target):
        """Delete what cleanup found doomed, except what another connector of this JCI still uses."""
        if doomed and not self.dry_run:
            used = dict((conn.get('clientId'), conn.get('name')) for conn in self.observer.connectors()
                        if conn.get('clientId'))
            doomed, in_use_elsewhere = plan.split_in_use(doomed, used)
            for cred in in_use_elsewhere:
                self.journal.observed('kept credential %s (%s): the connector "%s" still uses it; point that '
                                      'connector at %s, then delete it' % (cred.get('name'), cred.get('clientId'),
                                                                           used[cred.get('clientId')], target.client_id))
        confirm = True
        for cred in doomed:
            if self.delete_credential(cred, keep=[target.client_id], confirm=confirm,
                                      planned='delete credential %s (%s), which neither %s nor the connector uses'
                                      % (cred.get('name'), cred.get('clientId'), self.s.store),
                                      done='deleted credential %s (%s), which neither %s nor any connector uses any '
                                      'more' % (cred.get('name'), cred.get('clientId'), self.s.store)):
                self.journal.deleted(cred.get('name'))
            confirm = False  # read back once before the batch: nothing this run does in between writes the store

    # --- the store ----------------------------------------------------------------------------
    def promote(self, target):
        """The store's current credential becomes ``target``; what it replaces is queued for deletion."""
        if self.dry_run or target.planned:
            self.journal.planned('write the new credential into %s' % self.s.store)
            return
        if self.record.store is None:
            return
        self.record.save_current(target, target.created or self.observer.now())
        self.journal.changed('made %s the current credential in %s' % (target.client_id, self.s.store))

    def record_adopted(self, given):
        """adopt, before anything else changes: the store records the credential a person made (write-ahead), so a
        run that stops later leaves it where the next run finds it (converge.settle_adopted)."""
        if self.dry_run:
            self.journal.planned('record the credential %s in %s' % (given.client_id, self.s.store))
            return
        self.record.pending = {'client_id': given.client_id, 'client_secret': given.client_secret,
                               'replaces': given.replaces, 'adopted': True}
        self.record.save()
        self.journal.changed('recorded the credential %s made in Jama\'s UI in %s' % (given.client_id, self.s.store))

    def count_failed_rotation(self, client_id, error):
        """A rotation of ``client_id`` failed: the store's record counts it (lifecycle.is_stalled reads the count).
        Returns the words for the failure's message; a failed count changes nothing else (the rotation's own error is
        what the run reports)."""
        if self.dry_run or self.record.store is None or client_id is None:
            return None
        try:
            self.record.count_failure(client_id, self.observer.now(), error)
        except errors.JamaConnectError as failure:
            return 'counting this failed rotation in %s failed too (%s)' % (self.s.store, reason_of(failure))
        return None

    def clear_pending(self):
        if not self.dry_run:
            self.record.pending = {}
            self.record.save()

    def clear_retired(self):
        """Deleted, already gone, or kept because a connector uses it (said in the journal): nothing left."""
        if self.record.retire and not self.dry_run:
            self.record.retire = []
            self.record.save()

    def hand_to_mirror(self, target):
        """Copy the current credential to the mirror controller credential, unless it holds it. Runs before any
        replaced credential is deleted, so jobs that use the mirror never hold a deleted credential for long; a
        failure keeps the replaced one (still queued in the store's record) for the next run."""
        if self.mirror is None:
            return
        if self.dry_run:
            if target.planned or not self.mirror.holds(target.client_id):
                self.journal.planned('hand %s to %s' % (target.label(), self.mirror.describe()))
            return
        if self.mirror.holds(target.client_id):
            return
        try:
            self.mirror.write(self.s.jama_url, target.client_id, target.client_secret)
        except errors.JamaConnectError as error:
            raise ReconcileError('the connector uses credential %s, verified, and %s holds it, but handing it to %s '
                                 'failed (%s); a credential it replaces is kept until a run hands it over'
                                 % (target.client_id, self.s.store, self.mirror.describe(), error.message),
                                 hint='fix the cause (the controller connection, its permissions) and run '
                                      'jama.connect.configure again', reason='copy_failed',
                                 heals=error.heals_on_next_run)
        self.journal.changed('handed credential %s to %s' % (target.client_id, self.mirror.describe()))

    # --- the connector ------------------------------------------------------------------------
    def point_connector(self, conn, target):
        """Create the connector, or change what differs, so it uses ``target``. Returns it as it is (or would be)."""
        if conn is None:
            return self._create_connector(target)
        params = {'url': self.s.jama_url, 'verify_ssl': self.s.verify_ssl, 'authentication_type': 'oauth',
                  'client_id': target.client_id or '(new)', 'client_secret': target.client_secret,
                  'secret_update': 'on_identity_change'}
        changes, _send = planned_changes(params, conn)
        if not changes:
            return conn
        if self.dry_run:
            self.journal.planned('point the connector "%s" at %s (%s)' % (
                conn['name'], target.label(), ', '.join(sorted(key for key in changes if key != 'clientSecret'))))
            return dict(conn, **dict((key, value) for key, value in changes.items() if key != 'clientSecret'))
        updated = self.jci.update_connector(conn['id'], changes)
        self.journal.changed('pointed the connector "%s" at credential %s' % (conn['name'], target.client_id))
        return updated

    def _create_connector(self, target):
        if self.dry_run:
            self.journal.planned('create the connector "%s" with OAuth and %s' % (self.s.connector_name, target.label()))
            return None
        conn = self.jci.create_connector({'name': self.s.connector_name, 'url': self.s.jama_url,
                                          'verifySsl': self.s.verify_ssl, 'authenticationType': 'oauth',
                                          'clientId': target.client_id, 'clientSecret': target.client_secret})
        self.journal.changed('created the connector "%s" with OAuth and credential %s'
                             % (self.s.connector_name, target.client_id))
        return conn

    def point_back(self, conn, previous):
        """Undo: the connector back on the credential it used before (never in a dry run: nothing was tested)."""
        self.jci.update_connector(conn['id'], {'clientId': previous.client_id, 'clientSecret': previous.client_secret})
        self.journal.changed('pointed the connector back at the previous credential %s' % previous.client_id)

    def switch_to_oauth(self, conn, target):
        """Migrate one connector from Basic. Returns whether it was switched (and so needs JCI's test)."""
        if self.dry_run:
            self.journal.planned('switch the connector "%s" from Basic to OAuth with %s and test it'
                                 % (conn['name'], target.label()))
            return False
        self.jci.update_connector(conn['id'], {'authenticationType': 'oauth', 'clientId': target.client_id,
                                               'clientSecret': target.client_secret})
        self.journal.changed('switched the connector "%s" from Basic to OAuth with credential %s'
                             % (conn['name'], target.client_id))
        return True

    def back_to_basic(self, conn, failure, hint):
        """A switched connector failed JCI's test: put it back on Basic once the password is verified against Jama
        (a wrong one would count towards the lockout). Always raises, saying where the connector is."""
        if not self.s.basic_password:
            raise ReconcileError('%s. It stays on OAuth: set oauth_connector_basic_password (from vault) to have a '
                                 'failed switch put back on Basic' % failure, hint=hint, reason='jci_test_failed')
        try:
            self.basic_probe(conn.get('url'), conn.get('username'), self.s.basic_password)
        except errors.JamaConnectError as error:
            raise ReconcileError('%s. It was NOT put back on Basic: Jama refused the password in '
                                 'oauth_connector_basic_password for %s (%s), and a wrong Basic password would count '
                                 'towards the lockout; it stays on OAuth' % (failure, conn.get('username'),
                                                                             error.message), hint=hint,
                                 reason='jci_test_failed')
        try:
            self.jci.update_connector(conn['id'], {'authenticationType': 'basic', 'username': conn.get('username'),
                                                   'password': self.s.basic_password})
        except errors.JamaConnectError as error:
            raise ReconcileError('%s. Putting it back on Basic failed too (%s); it stays on OAuth'
                                 % (failure, error.message), hint=hint, reason='jci_test_failed')
        self.journal.changed('put the connector "%s" back on Basic as %s (the password was verified against Jama '
                             'first)' % (conn['name'], conn.get('username')))
        raise ReconcileError('%s. The connector is back on Basic authentication as %s' % (failure, conn.get('username')),
                             hint=hint, reason='jci_test_failed')
