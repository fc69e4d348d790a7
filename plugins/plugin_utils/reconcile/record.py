# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The write-ahead record of unfinished work, kept in the environment's store, and its one save path.

A store (plugin_utils/stores/base.py) writes all of its updates at once; after a failed write it may hold either
version, and the next run copes with both. Only the acts room (apply.py) saves, so check mode never writes."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile import lifecycle
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.model import ReconcileError, StoreView, reason_of


class Record:
    """One environment's store as the engine uses it: read once into a StoreView, then pending/retire kept here and
    written with every save."""

    def __init__(self, settings, store):
        self.s = settings
        self.store = store
        self.pending = {}
        self.retire = []
        # What the engine knows of the current credential's life (lifecycle.began, lifecycle.failed).
        self.lifecycle = {}
        # The store's current client ID as this run last read or wrote it (None when the credential comes from the
        # options): the one credential no cleanup may delete.
        self.current_id = None
        self.held = set()
        self._confirmed = {}
        # Whether the unfinished work here was read from the store, not written by this run (confirm()).
        self._inherited = False

    def read(self):
        data = self.store.read() if self.store is not None else {}
        view = StoreView(data, self.s)
        self.pending = dict(view.pending)
        self.retire = list(view.retire)
        self.lifecycle = dict(view.lifecycle)
        self._confirmed = copy.deepcopy(self._state())
        self._inherited = bool(self.pending)
        if self.store is not None and not self.s.client_id:
            self.current_id = data.get(self.s.client_id_var)
        self.held = view.held()
        return view

    def save(self, updates=None, remove=()):
        """One atomic write of the store: ``updates`` plus the current unfinished-work record. After a failed write
        the record here is again the last one the store confirmed (or was read with), so a later write of this run
        (a failed rotation's count) never carries half of a change that failed."""
        state = self._state()
        updates = dict(updates or {})
        drop = list(remove)
        if state:
            updates[self.s.state_var] = state
        else:
            drop.append(self.s.state_var)
        try:
            self.store.write(updates, remove=drop)
        except errors.JamaConnectError as error:
            self.pending, self.retire, self.lifecycle = (copy.deepcopy(self._confirmed.get(key) or empty)
                                                         for key, empty in (('pending', {}), ('retire', []),
                                                                            ('lifecycle', {})))
            # A store raises only these (a vault file's VaultFileError, the controller's API errors); after one the
            # store holds either version, and the next run copes with both.
            conflict = isinstance(error, errors.ConflictError)
            raise ReconcileError('writing %s failed (%s)' % (self.s.store, reason_of(error)),
                                 hint=error.hint if conflict else self.store.write_hint,
                                 reason='store_conflict' if conflict else 'store_write_failed',
                                 heals=error.heals_on_next_run) from error
        self._confirmed = copy.deepcopy(state)
        self._inherited = False

    def _state(self):
        return dict((key, value) for key, value in (('pending', self.pending), ('retire', self.retire),
                                                    ('lifecycle', self.lifecycle)) if value)

    def save_current(self, target, now):
        """``target`` becomes the current credential (as of ``now``, Jama's clock); what it replaces is queued for
        deletion."""
        replaced = target.replaces
        self.pending = {}
        if replaced and replaced != target.client_id and replaced not in self.retire:
            self.retire.append(replaced)
        self.lifecycle = lifecycle.began(self.lifecycle, target.client_id, now, bool(replaced or self.current_id))
        self.save({self.s.client_id_var: target.client_id, self.s.client_secret_var: target.client_secret})
        self.current_id = target.client_id

    def count_failure(self, client_id, now, error):
        """One more failed rotation of ``client_id`` in a row, with the failure's reason and message (never a secret:
        no message of the engine holds one)."""
        self.lifecycle = lifecycle.failed(self.lifecycle, client_id, now, getattr(error, 'reason', 'failed'),
                                          reason_of(error))
        self.save()

    def confirm(self):
        """Before deleting a credential: the store still holds what this run read or wrote, or the run stops (another
        job wrote it, and may use what this run would delete)."""
        if self.store is None:
            return
        if self._inherited and self.pending:
            # The record names another run's unfinished work: a killed run's, or a job's still running (no run can
            # tell). It is written back first, a check-and-set where the store has one, so that job's next write is
            # refused, or this one is: never both go on, and a running job's credential is not deleted under it.
            self.save()
            return
        self.store.confirm()
