# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""jama_api_credential's hand-off to its store (a vault file, or a controller credential alone:
stores/controller_handoff.py), on the engine's write-ahead record (record.py).

Before the module may create a credential, the store records the credential family it creates in and the
client IDs the family had (``pending: {name, family: true, known: [...]}``); the write that hands the new secret off
removes the record in the same write. A run killed between the create and that write leaves the record, and the next
run (this action, or the role's engine on the same vault file: converge.settle_pending) deletes the family members
the record did not know and the store does not hold, whose secret is lost, so no run has to ask for ``rotate``."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.jama.connect.plugins.module_utils.credentials import family
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile import plan
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.model import ReconcileError
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.record import Record


class FamilyHandoff:
    """``client``: a JamaClient for the task's Jama connection, or None when the action cannot reach Jama itself
    (then nothing is recorded or settled, and the hand-off still writes); ``user``: the credential owner's username,
    or None for the authenticated user.

    A run cannot tell a record left by a killed run from one a running job just wrote: before it deletes what the
    record names, it writes the record back (Record.confirm), so with a check-and-set store (Vault) the running job's
    next write is refused instead of storing a credential deleted under it. A store without one (a vault file) is
    taken as the run's own: runs that share it run one at a time."""

    def __init__(self, settings, store, name, client, user=None):
        self.s = settings
        self.name = name
        self.record = Record(settings, store)
        self.view = None
        self.client = client
        self.user = user
        self.written_ahead = False
        self.found = []

    def members(self):
        user_id = self.client.find_user(self.user)['id'] if self.user else None
        return family(self.client.list_credentials(user_id), self.name)

    def read(self):
        self.view = self.record.read()
        pending = self.view.pending
        if pending and not (pending.get('family') and pending.get('name') == self.name):
            raise ReconcileError(
                '%s records unfinished work of another task (credential %s): finish it first (for the oauth_connector '
                "role's record, run jama.connect.configure for this environment)" % (self.s.store, pending.get('name')),
                hint='run the task that started it again', reason='unfinished_rotation')
        return self.view

    def orphans(self):
        """Credentials a killed run created after writing its record (the record is pending): their secret is in no
        store. Empty when nothing is recorded, or Jama cannot be reached from here."""
        if not self.view.pending or self.client is None:
            return []
        self.found = plan.unfinished_family(self.members(), self.view.pending, self.record.current_id)
        return self.found

    def settled(self):
        """The orphans were deleted: the record goes."""
        if self.view.pending and self.client is not None:
            self.record.pending = {}
            self.record.save()

    def write_ahead(self, rotate):
        """Record the family before the module may create in it: when it will (a rotation, or no member yet). A store
        that holds a credential without a rotation asked costs no call (the module then creates only if that
        credential is gone from Jama: not recorded, and the next run asks for rotate as before)."""
        if self.client is None or (self.record.current_id and not rotate):
            return
        members = self.members()
        if members and not rotate:
            return
        # Whose credentials the record covers: the engine on a shared vault file settles it only for its service user.
        owner = self.user or self.client.current_user().get('username')
        self.record.pending = {'name': self.name, 'family': True, 'user': owner,
                               'known': [cred.get('clientId') for cred in members if cred.get('clientId')]}
        self.record.save()
        self.written_ahead = True

    def hand_off(self, client_id, secret):
        """The new credential becomes the vault file's, and the record goes, in one write."""
        self.record.pending = {}
        self.record.save({self.s.client_id_var: client_id, self.s.client_secret_var: secret})

    def nothing_created(self):
        """The module made no credential after the record was written: remove the record."""
        if self.written_ahead:
            self.record.pending = {}
            self.record.save()
