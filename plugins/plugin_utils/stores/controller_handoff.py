# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""jama_api_credential's controller credential as the store of its hand-off record (plugin_utils/reconcile/handoff.py),
when no vault file takes the record.

The role keeps its record in the credential's secret input ``state``, which a job reads only because the controller
injects it. This task is not given the credential it writes, and the controller never shows a secret input, so the
record goes where the API shows it: the plain input ``revision``, after the write's random token, as
``<token> pending <record as JSON>``. The record holds no secret (the family's name, its owner and the client IDs it
had). The token changes with every write, so another job's write shows, and a write whose answer was lost is read
back exactly. The secret this task never reads is sent back as ``$encrypted$``, which keeps the stored one."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.module_utils.controller_client import ENCRYPTED
from ansible_collections.jama.connect.plugins.plugin_utils.stores.base import Store, native
from ansible_collections.jama.connect.plugins.plugin_utils.stores.controller_sink import (
    ID_INPUT, REVISION_INPUT, SECRET_INPUT, new_token)

PENDING = ' pending '


def revision_text(token, record):
    """The revision input for a write: its token, then the record of unfinished work if there is one."""
    if not record:
        return token
    return token + PENDING + json.dumps(native(record), sort_keys=True, separators=(',', ':'))


def parse_revision(text):
    """(token, record or None) from a revision input; a token written by the role has no record."""
    if not text:
        return None, None
    token, found, rest = text.partition(PENDING)
    if not found:
        return text, None
    try:
        record = json.loads(rest)
    except ValueError:
        record = None
    if not isinstance(record, dict):
        raise errors.ConfigurationError(
            'the controller credential\'s revision input holds %r, which is not a record jama.connect wrote; clear '
            'that input in the controller (no job may be running) and run again' % text)
    return token, record


def _revision(credential):
    return ((credential or {}).get('inputs') or {}).get(REVISION_INPUT) or None


class HandoffStore(Store):
    """``sink``: a prepared ControllerSink; ``names``: the variable names the record uses for the client ID, the
    secret and the record (as the engine's Settings name them)."""

    write_hint = ('fix the cause (the controller connection, its permissions) and run again: the next run reads back '
                  'what the controller credential holds and finishes from there')

    def __init__(self, sink, jama_url, names):
        self.sink = sink
        self.jama_url = jama_url
        self.id_var, self.secret_var, self.state_var = names
        # What this run last saw or wrote: another job's write between two of ours changes it.
        self._seen = _revision(sink.current)

    @staticmethod
    def usable(sink):
        """Whether the credential's type has the plain input the record goes in (the collection's type has)."""
        return REVISION_INPUT in sink.fields

    def describe(self):
        return self.sink.describe()

    def read(self):
        inputs = (self.sink.current or {}).get('inputs') or {}
        data = {}
        if inputs.get(ID_INPUT):
            data[self.id_var] = inputs[ID_INPUT]
        if inputs.get(SECRET_INPUT) == ENCRYPTED:
            # Stored, never shown: written back as it reads, the controller keeps it.
            data[self.secret_var] = ENCRYPTED
        record = parse_revision(inputs.get(REVISION_INPUT))[1]
        if record:
            data[self.state_var] = record
        return data

    def write(self, updates, remove=()):
        data = self.read()
        data.update(updates)
        for key in remove:
            data.pop(key, None)
        found = self.sink.client.credential(self.sink.options['name'], self.sink.type_id, self.sink.organization_id)
        if (found is None) != (self.sink.current is None) or _revision(found) != self._seen:
            raise errors.ConflictError(
                '%s was changed (or deleted) by someone else after this run read it, probably another job using it; '
                'this run stops without overwriting it' % self.describe(), status=409,
                hint='let one job at a time use the credential, then run again')
        revision = revision_text(new_token(), data.get(self.state_var))
        inputs = self.sink.inputs_for(self.jama_url, revision, (data.get(self.id_var), data.get(self.secret_var)))
        try:
            self.sink.current = self.sink.put(inputs, found)
        except errors.JamaConnectError as error:
            self.sink.current = self._read_back(error, revision)
        self._seen = revision
        return data

    def _read_back(self, error, revision):
        """After a failed write: the credential if it holds this write (the revision is unique to it), else the
        error. The error says whether the controller may hold the write (``outcome_unknown``)."""
        if not error.details.get('answer_lost') and (error.status or 0) < 500:
            raise error
        try:
            found = self.sink.client.credential(self.sink.options['name'], self.sink.type_id,
                                                self.sink.organization_id)
        except errors.JamaConnectError as looked:
            raise errors.TransportError('%s, and reading the credential back failed too (%s): the controller may or '
                                        'may not hold this write' % (error.message, looked.message),
                                        details={'outcome_unknown': True})
        if _revision(found) != revision:
            raise error
        return found
