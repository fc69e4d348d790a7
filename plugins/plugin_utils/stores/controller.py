# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The oauth_connector role's store in an automation controller credential of the "Jama Connect OAuth client" type
(the credential's access: controller_sink.py).

Runs on the Ansible controller (in action plugins). The secret is only ever sent, never read back: the controller
answers ``$encrypted$`` for it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.module_utils.controller_client import ENCRYPTED
from ansible_collections.jama.connect.plugins.module_utils.connectors import normalized_url
from ansible_collections.jama.connect.plugins.plugin_utils.stores.base import Store
from ansible_collections.jama.connect.plugins.plugin_utils.stores.controller_sink import (
    COPY_REVISION, ID_INPUT, REVISION_INPUT, SECRET_INPUT, STATE_INPUT, URL_INPUT, new_token)


class ControllerStore(Store):
    """The oauth_connector role's store (see plugin_utils/reconcile/record.py) in an automation controller credential of
    the OAuth client type: its client_id and client_secret inputs are the current credential, its secret input
    ``state`` the record of unfinished work (JSON), and its plain input ``revision`` a random token that changes
    with every write.

    The controller never shows a secret, so the secret and the record this job knows are the ones the controller
    injected into the job at launch (``injected``: client_id, client_secret, state, revision, from the credential
    the job template attaches). The API shows the URL, the client ID and the revision, and whether a secret and a
    record are stored; the two views must agree, or the job was given another credential (or this one changed
    after the job started), and the run stops before any change. Before each write the credential is read again:
    a revision this job did not write means another job changed it, and the run stops rather than overwrite that
    job's record. Every write sends all inputs, so it does not depend on an earlier write having happened."""

    write_hint = ('fix the cause (the controller connection, its permissions) and run again; the next job gets '
                  'whatever the controller credential holds, and resumes from there (if this was the job that '
                  'created the controller credential, it may exist now: attach it to the job template)')

    def __init__(self, sink, jama_url, injected, names):
        self.sink = sink
        self.jama_url = jama_url
        self.injected = injected
        self.id_var, self.secret_var, self.state_var = names
        self._data = None
        # Revisions the credential may carry that this job knows: the one it was given, and each it wrote (a write
        # whose answer was lost may have happened).
        self._revisions = set()
        self._written = None  # the revision of this job's last confirmed write

    def describe(self):
        return self.sink.describe()

    def read(self):
        if self._data is None:
            self._data = self._load()
        return copy.deepcopy(self._data)

    def _load(self):
        current = self.sink.prepare()
        missing = sorted({STATE_INPUT, REVISION_INPUT} - self.sink.fields)
        if missing:
            raise errors.ConfigurationError(
                'the controller credential type %r has no input(s) %s, where the role records unfinished work: '
                'install the collection\'s credential types (ansible-playbook jama.connect.controller_credential_types; '
                'the controller refuses new inputs for a type that credentials use, so then install them under another '
                'name and set controller_credential.credential_type)'
                % (self.sink.options['credential_type'], ', '.join(missing)))
        given = {ID_INPUT: self.injected.get('client_id') or None,
                 SECRET_INPUT: self.injected.get('client_secret') or None,
                 STATE_INPUT: parse_state(self.injected.get('state')),
                 REVISION_INPUT: self.injected.get('revision') or None}
        if current is None:
            self._check_nothing_given(given)
            return {}
        stored = self._stored(current.get('inputs') or {})
        self._check_given(stored, given)
        self._revisions.add(stored[REVISION_INPUT])
        data = {}
        for var, key in ((self.id_var, ID_INPUT), (self.secret_var, SECRET_INPUT), (self.state_var, STATE_INPUT)):
            if given[key]:
                data[var] = given[key]
        return data

    def _check_nothing_given(self, given):
        """No controller credential: the job must not have been given one either."""
        if given[ID_INPUT] or given[SECRET_INPUT] or given[STATE_INPUT]:
            raise errors.ConfigurationError(
                'this job was given an OAuth client credential (client ID %s), but the controller has no %s. To '
                'keep using that client, create %s in the controller with its URL, client ID and secret (or '
                'correct oauth_connector_controller_credential to name the attached credential); to start '
                'afresh, detach it and remove oauth_connector_client_id and oauth_connector_client_secret'
                % (given[ID_INPUT] or 'none', self.describe(), self.sink.options['name']))

    def _stored(self, inputs):
        """What the API shows of the credential (never a secret: whether one is set), after checking it is this
        environment's own and not a copy."""
        if inputs.get(URL_INPUT) and normalized_url(inputs[URL_INPUT]) != normalized_url(self.jama_url):
            raise errors.ConfigurationError(
                '%s is for the Jama at %s, but this run is for %s: the job template attaches another environment\'s '
                'OAuth client credential (its URL overrides oauth_connector_jama_url), or the host names another '
                'environment\'s credential. Attach the environment\'s own credential and limit the job to its host'
                % (self.describe(), inputs[URL_INPUT], self.jama_url))
        if inputs.get(REVISION_INPUT) == COPY_REVISION:
            raise errors.ConfigurationError(
                '%s is a copy of a vault file\'s credential (the role writes it for a host that has both '
                'oauth_connector_vault_file and oauth_connector_controller_credential), so it cannot be this job\'s '
                'store: name the environment\'s own controller credential in oauth_connector_controller_credential. '
                'A job that only uses the copy (a scheduled check) needs neither variable for its host'
                % self.describe())
        return {ID_INPUT: inputs.get(ID_INPUT) or None, SECRET_INPUT: inputs.get(SECRET_INPUT) == ENCRYPTED,
                STATE_INPUT: inputs.get(STATE_INPUT) == ENCRYPTED, REVISION_INPUT: inputs.get(REVISION_INPUT) or None}

    def _check_given(self, stored, given):
        """What the API shows and what the controller injected into the job agree, or the job has another
        credential (or this one changed after the job started)."""
        if any(stored.values()) and not any(given.values()):
            raise errors.ConfigurationError(
                '%s holds %s, but this job was not given it: attach that credential to the job template (the '
                'controller injects its secret and record into the job), and run again'
                % (self.describe(), _holding(stored)))
        as_shown = dict((key, bool(value) if key in (SECRET_INPUT, STATE_INPUT) else value)
                        for key, value in given.items())
        if stored != as_shown:
            raise errors.ConfigurationError(
                '%s holds %s, but this job was given %s: the job template attaches another credential of the type, '
                'or the credential changed after this job started (another job?). Attach %s, let one job at a time '
                'use it, and run again' % (self.describe(), _holding(stored), _holding(as_shown),
                                           self.sink.options['name']))

    def write(self, updates, remove=()):
        """Store ``updates`` without the keys in ``remove``: one create or update carrying every input."""
        data = self.read()
        data.update(updates)
        for key in remove:
            data.pop(key, None)
        revision = new_token()
        inputs = self.sink.inputs_for(self.jama_url, revision, (data.get(self.id_var), data.get(self.secret_var)))
        if data.get(self.state_var):
            inputs[STATE_INPUT] = json.dumps(data[self.state_var], sort_keys=True)
        # What the controller holds now: a create whose answer was lost shows up here, and so does another job.
        found = self.sink.client.credential(self.sink.options['name'], self.sink.type_id, self.sink.organization_id)
        if found is None and self.sink.current is not None or found is not None and \
                ((found.get('inputs') or {}).get(REVISION_INPUT) or None) not in self._revisions:
            raise errors.ConflictError(
                '%s was changed (or deleted) by someone else after this job read it, probably another job using it; '
                'this job stops without overwriting it' % self.describe(), status=409,
                hint='let one job at a time use the credential, then run again: the next job resumes from what the '
                     'credential holds')
        self._revisions.add(revision)
        written = self.sink.put(inputs, found)
        # Only a write the controller confirmed becomes this job's view; after a failure the next write still
        # carries every input, so the credential ends as this job meant either way.
        self.sink.current = written
        self._data = data
        self._written = revision
        # The controller has no compare-and-set: another job may write right after this one. Read it back, so a
        # job whose write was replaced stops here instead of acting (and deleting) on a record nobody holds.
        self.confirm()
        return copy.deepcopy(data)

    def confirm(self):
        """Stop, deleting nothing, when the credential no longer holds this job's last write (or, before any write,
        what the job was given): another job wrote it since. Called after every write and before any deletion."""
        if self._data is None:
            return
        found = self.sink.client.credential(self.sink.options['name'], self.sink.type_id, self.sink.organization_id)
        have = ((found or {}).get('inputs') or {}).get(REVISION_INPUT) or None
        expected = self._written if self._written is not None else self.injected.get('revision') or None
        if found is None and self.sink.current is None and self._written is None:
            return
        if found is None or have != expected:
            raise errors.ConflictError(
                '%s was written by someone else after this job %s, probably another job using it at the same time; '
                'this job stops here and deletes nothing' % (self.describe(), 'wrote it' if self._written else 'read it'),
                status=409, hint='let one job at a time use the credential (job templates with concurrent jobs off, '
                                 'docs/automation-platform.md), then run again: the next job resumes from what the '
                                 'credential holds')


def parse_state(value):
    """The record of unfinished work as injected: a JSON string (an extra var), a mapping, or empty."""
    if value in (None, '', {}):
        return None
    if isinstance(value, dict):
        return value
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError):
        parsed = None
    if not isinstance(parsed, dict):
        # Never echoed: it may hold a client secret.
        raise errors.ConfigurationError(
            'credential_state (role: oauth_connector_credential_state) is not a record jama.connect wrote: it must be '
            'the controller credential\'s state input, injected by the "Jama Connect OAuth client" type; clear that '
            'input in the controller only if no job is running')
    return parsed


def _holding(view):
    parts = ['client ID %s' % view[ID_INPUT] if view[ID_INPUT] else 'no client ID']
    parts.append('a secret' if view[SECRET_INPUT] else 'no secret')
    parts.append('a record of unfinished work' if view[STATE_INPUT] else 'no record of unfinished work')
    parts.append('revision %s' % view[REVISION_INPUT] if view[REVISION_INPUT] else 'no revision')
    return ', '.join(parts)
