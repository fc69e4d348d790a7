# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""jama_api_credential's hand-off to a vault file, on the engine's write-ahead record (record.py).

Before the module may create a credential, the vault file records the credential family it creates in and the
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
    """``jama``: a callable returning a JamaClient for the task's Jama connection; ``user``: the credential owner's
    username, or None for the authenticated user."""

    def __init__(self, settings, store, name, jama, user=None):
        self.s = settings
        self.name = name
        self.record = Record(settings, store)
        self.view = None
        self._jama = jama
        self._client = None
        self.user = user
        self.written_ahead = False

    def client(self):
        if self._client is None:
            self._client = self._jama()
        return self._client

    def members(self):
        client = self.client()
        user_id = client.find_user(self.user)['id'] if self.user else None
        return family(client.list_credentials(user_id), self.name)

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
        store. Empty when nothing is recorded."""
        if not self.view.pending:
            return []
        return plan.unfinished_family(self.members(), self.view.pending, self.record.current_id)

    def settled(self):
        """The orphans were deleted: the record goes."""
        self.record.pending = {}
        self.record.save()

    def write_ahead(self, rotate):
        """Record the family before the module may create in it: when it will (a rotation, or no member yet)."""
        members = self.members()
        if members and not rotate:
            return
        self.record.pending = {'name': self.name, 'family': True,
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
            self.settled()
