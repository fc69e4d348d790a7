# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The oauth_connector role's engine: read the whole state, decide, then act in an order that never breaks what
works. Every run ends with the environment verified, or fails naming the cause and the fix; the next run, once
the cause is gone, converges from whatever state the last one left.

The rooms (docs/decisions.md, "The engine's house"): model.py (state), record.py (the write-ahead record in the
store), observe.py (reads), plan.py (pure decisions), verify.py and apply.py (the edge: the only rooms that know
check mode; apply.py holds the one function that deletes a credential), converge.py (the shared path), flows.py
(configure, rotate, check, migrate), journal.py (typed entries), report.py (the answer). This file wires them.

The invariants, each tested by the fault suite (tests/unit/plugins/plugin_utils/test_reconcile_faults.py):
- a credential is verified directly against Jama before any connector is pointed at it (converge.py);
- the store always holds the credential the connector uses, as current or as pending (apply.create_credential
  writes ahead, apply.promote after the test);
- a credential is deleted only when neither the store nor a connector uses it (apply.delete_credential refuses
  anything else);
- the secret of a credential that exists in Jama is in the store, or the store records that the credential must
  be deleted (pending without a secret), so a lost answer never orphans a credential.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.jama.connect.plugins.plugin_utils.reconcile import report, upkeep
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.apply import Acts
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.flows import FLOWS
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.journal import Journal
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.observe import Observer
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.record import Record
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.verify import Verifier


class Rooms:
    """One run's rooms, handed to the flows: each is its own object with its own concern."""

    def __init__(self, settings, observer, record, journal, verifier, acts, mirror):
        self.s = settings
        self.observer = observer
        self.record = record
        self.journal = journal
        self.verifier = verifier
        self.acts = acts
        self.mirror = mirror
        self.evidence = verifier.evidence
        self.diff = {'before': {}, 'after': {}}
        # What the connector used when the flow started (converge.py): deleted only if the store held it.
        self.started_on = None
        # check's problems that the lifecycle's own conditions state (Expired, RotationStalled): the status says
        # them once, through those conditions (upkeep.status).
        self.lifecycle_problems = []
        # The report's facts of the connector and the store (flows.report), for its own conditions.
        self.connector_facts = None


class Engine:
    """Runs one flow for one environment.

    ``jci``: a JciClient. ``admin``: a callable returning a JamaClient logged in as a Jama administrator, or
    raising ConfigurationError when none is configured. ``probe``: a callable(client_id, client_secret) that
    gets a token and ``users/current`` from Jama (module_utils/probe.py). ``basic_probe``: a callable(url, username,
    password) doing one Basic ``users/current`` (migrate's rollback check). ``vault``: a store
    (plugin_utils/stores/), or None when the credential comes from the options. ``mirror``: a ControllerSink that
    gets a copy of the store's current credential, or None. ``clock``: a callable returning the current time
    (aware), instead of Jama's. ``admin_posts``: the administrator logs in with an API client (a token request).
    """

    def __init__(self, settings, jci, admin, probe, vault, check_mode=False, basic_probe=None, admin_configured=True,
                 mirror=None, clock=None, admin_posts=False):
        self.s = settings
        self.jci = jci
        self.vault = vault
        # The report is a dry run whatever the task's check mode: every act would only be planned (apply.py).
        check_mode = check_mode or settings.flow == 'report'
        self.journal = Journal(dry_run=check_mode)
        self.observer = Observer(settings, jci, admin, admin_configured, quiet=check_mode and admin_posts)
        if clock is not None:
            # The one source of "now" (by default Jama's Date, observe.py): tests fix it.
            self.observer.now = clock
        record = Record(settings, vault)
        verifier = Verifier(settings, jci, self.journal, {'jama_check': None, 'jci_test': None, 'connector': {},
                                                          'credential': {}}, probe)
        if clock is None:
            self.observer.other_date = lambda: verifier.jama_date
        acts = Acts(settings, self.observer, record, self.journal, verifier, basic_probe=basic_probe, mirror=mirror)
        self.rooms = Rooms(settings, self.observer, record, self.journal, verifier, acts, mirror)

    @property
    def admin_configured(self):
        return self.observer.admin_configured

    @admin_configured.setter
    def admin_configured(self, value):
        self.observer.admin_configured = value

    @property
    def changed(self):
        return self.journal.anything_changed

    @property
    def actions(self):
        return self.journal.texts()

    @property
    def cleaned_up(self):
        return list(self.journal.cleaned_up)

    @property
    def result(self):
        return self.rooms.evidence

    @property
    def diff(self):
        return self.rooms.diff

    def run(self):
        FLOWS[self.s.flow](self.rooms)
        return report.result(self.s, self.journal, self.rooms.evidence, lambda answer: upkeep.status(self.rooms, answer))

    def status(self):
        """A failed run's status, from what it saw (no further call)."""
        answer = dict(self.rooms.evidence, verified=False)
        return upkeep.status(self.rooms, answer, look=False,
                             unverified='the run stopped before it verified the environment (its msg says why)')
