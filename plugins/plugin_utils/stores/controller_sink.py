# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One automation controller credential of the "Jama Connect OAuth client" type, as both controller stores use it
(controller.py, the role's; controller_handoff.py, jama_api_credential's): found, checked, created or updated.
It is not a store itself.

Runs on the Ansible controller (in action plugins). Every controller call goes through
plugins/module_utils/controller_client.py. The secret is only ever sent, never read back: the controller answers
``$encrypted$`` for it, and keeps the stored one when ``$encrypted$`` is sent back.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import binascii
import os

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.module_utils.connection import controller_session
from ansible_collections.jama.connect.plugins.module_utils.controller_client import ENCRYPTED, ControllerClient
from ansible_collections.jama.connect.plugins.plugin_utils.stores.base import native

DEFAULT_TYPE = 'Jama Connect OAuth client'
TYPE_KIND = 'cloud'
# The inputs of the collection's OAuth client credential type (extensions/automation_platform/credential_types.yml).
URL_INPUT, ID_INPUT, SECRET_INPUT = 'url', 'client_id', 'client_secret'
# The role's record of unfinished work (a secret input: it may hold a pending client secret).
STATE_INPUT = 'state'
# A random token each write of the role changes, so a job sees that another job wrote the credential after it started.
REVISION_INPUT = 'revision'
# The revision of a copy of a vault file's credential (the role's mirror), so no job takes a copy for a store.
COPY_REVISION = 'copy of a vault file'


def sink_options(value):
    """controller_credential as given: a dict with name and organization (credential_type optional)."""
    if not isinstance(value, dict):
        raise errors.ConfigurationError('controller_credential must be a dict with name and organization, got a %s'
                                        % type(value).__name__)
    unknown = sorted(set(value) - {'name', 'organization', 'credential_type', 'description'})
    if unknown:
        raise errors.ConfigurationError('controller_credential: unknown key(s) %s; it takes name, organization, '
                                        'credential_type and description' % ', '.join(unknown))
    for key in ('name', 'organization'):
        if not isinstance(value.get(key), str) or not value[key].strip():
            raise errors.ConfigurationError('controller_credential.%s is required: the controller credential\'s %s'
                                            % (key, 'name' if key == 'name' else 'organization (by name)'))
    options = {'name': value['name'], 'organization': value['organization'],
               'credential_type': value.get('credential_type') or DEFAULT_TYPE,
               'description': value.get('description') or 'Jama Connect API credential (managed by jama.connect)'}
    if not isinstance(options['credential_type'], str) or not isinstance(options['description'], str):
        raise errors.ConfigurationError('controller_credential.credential_type and .description must be strings')
    return options


class ControllerSink:
    """One controller credential: looked up before anything is created, written after."""

    def __init__(self, connection, options, copy_of_vault_file=False):
        """``connection``: the controller connection's options (url, auth, ca_path, ...; connection.py);
        ``options``: the credential's (sink_options)."""
        self.options = options
        self.copy_of_vault_file = copy_of_vault_file
        self.session = controller_session({'controller': connection})
        self.client = ControllerClient(self.session, self.session.api_path)
        self.type_id = None
        self.fields = set()
        self.organization_id = None
        self.has_url = False
        self.current = None

    def close(self):
        self.session.close()

    @property
    def retries(self):
        return self.session.retries

    def prepare(self):
        """Find the organisation, the credential type and the credential (if any); fail before any change."""
        self.organization_id = self.client.organization(self.options['organization'])['id']
        ctype = self.client.credential_type(self.options['credential_type'], TYPE_KIND)
        if ctype is None:
            raise errors.ConfigurationError(
                'the controller has no credential type %r; install the collection\'s credential types first '
                '(ansible-playbook jama.connect.controller_credential_types), or name yours in '
                'controller_credential.credential_type' % self.options['credential_type'])
        fields = set(field.get('id') for field in (ctype.get('inputs') or {}).get('fields') or [])
        missing = sorted({ID_INPUT, SECRET_INPUT} - fields)
        if missing:
            raise errors.ConfigurationError('the controller credential type %r has no input(s) %s; use the '
                                            'collection\'s "Jama Connect OAuth client" type'
                                            % (self.options['credential_type'], ', '.join(missing)))
        self.type_id = ctype['id']
        self.fields = fields
        self.has_url = URL_INPUT in fields
        self.current = self.client.credential(self.options['name'], self.type_id, self.organization_id)
        return self.current

    def holds(self, client_id):
        """Whether the controller credential holds this client ID and a secret (which it never shows)."""
        inputs = (self.current or {}).get('inputs') or {}
        return inputs.get(ID_INPUT) == client_id and inputs.get(SECRET_INPUT) == ENCRYPTED

    def write(self, jama_url, client_id, client_secret):
        """Create or update the credential with the new client ID and secret. A lost answer is settled by reading
        the credential back: the client ID shows whether the write happened. Returns the credential's id."""
        inputs = {ID_INPUT: client_id, SECRET_INPUT: client_secret}
        if self.has_url:
            inputs[URL_INPUT] = jama_url
        if self.copy_of_vault_file and REVISION_INPUT in self.fields:
            inputs[REVISION_INPUT] = COPY_REVISION
        try:
            written = self.put(inputs, self.current)
        except errors.JamaConnectError as error:
            if not error.details.get('answer_lost') and (error.status or 0) < 500:
                raise
            # The controller may have done it: look.
            try:
                self.current = self.client.credential(self.options['name'], self.type_id, self.organization_id)
            except errors.JamaConnectError as looked:
                raise errors.TransportError('%s, and reading the credential back failed too (%s): the controller may '
                                            'or may not hold the new secret' % (error.message, looked.message),
                                            details={'outcome_unknown': True})
            if not self.holds(client_id):
                raise
            return self.current['id']
        self.current = written
        return written['id']

    def put(self, inputs, existing):
        """Create the credential with ``inputs``, or replace the inputs of ``existing``; returns it as written."""
        if existing is None:
            return self.client.create_credential({
                'name': self.options['name'], 'description': self.options['description'],
                'organization': self.organization_id, 'credential_type': self.type_id, 'inputs': inputs})
        return self.client.update_credential(existing['id'], {'inputs': inputs})

    def describe(self):
        return 'controller credential %r (organization %r)' % (self.options['name'], self.options['organization'])

    def inputs_for(self, jama_url, revision, client):
        """A write's inputs: the revision, the URL (if the type has it) and ``client`` (client ID and secret, as
        ``(id, secret)``, either may be None)."""
        inputs = {REVISION_INPUT: revision}
        if self.has_url:
            inputs[URL_INPUT] = jama_url
        for key, value in zip((ID_INPUT, SECRET_INPUT), client):
            if value:
                # Values from tasks may be str subclasses (unsafe or tagged text): the controller gets plain text.
                inputs[key] = native(value)
        return inputs


def new_token():
    """A random revision token: every write of a store changes it."""
    return binascii.hexlify(os.urandom(8)).decode('ascii')
