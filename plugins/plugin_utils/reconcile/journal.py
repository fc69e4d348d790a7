# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a run observed, changed and (in check mode) planned, as typed entries. The report counts and renders them;
nothing parses their text."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

OBSERVED = 'observed'
CHANGED = 'changed'
PLANNED = 'planned'


class Journal:
    """The run's entries in order, and the names of the credentials it deleted."""

    def __init__(self, dry_run=False):
        # Set by the acts room's owner: in a dry run (check mode) every change is planned, never made.
        self.dry_run = dry_run
        self.entries = []
        self.cleaned_up = []

    def observed(self, text):
        self.entries.append((OBSERVED, text))

    def changed(self, text):
        self.entries.append((CHANGED, text))

    def planned(self, text):
        self.entries.append((PLANNED, text))

    def deleted(self, name):
        self.cleaned_up.append(name)

    def count(self, kind):
        return len([entry for entry in self.entries if entry[0] == kind])

    @property
    def anything_changed(self):
        """A change was made or planned: the task's ``changed``."""
        return any(kind in (CHANGED, PLANNED) for kind, _text in self.entries)

    def texts(self):
        """The entries as the result's ``actions`` list shows them: a planned change reads "would ..."."""
        return [('would ' + text) if kind == PLANNED else text for kind, text in self.entries]
