# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The engine's state model: what one environment wants (Settings), what its store says (StoreView), a credential,
the marker the engine's own credentials carry, and the engine's error. No I/O.

State lives in three places:
- Jama: the JCI service user's API credentials. The ones the engine creates carry ``marker()`` as their
  description, scoped to one JCI and connector, so a later run can recognise and delete its own orphans and
  never touches anybody else's.
- The environment's store (plugin_utils/stores/): the current credential (``client_id_var``/``client_secret_var``)
  and, under ``state_var``, a write-ahead record of unfinished work (record.py): ``pending`` (a credential being
  created or not yet in use: its name before the create call, its client ID and secret right after) and ``retire``
  (client IDs replaced and still to be deleted); and ``lifecycle``, what the engine knows of the current credential's
  life (its client ID, when it was created or adopted, rotations so far, failed rotations in a row: record.py). A
  converged environment's record holds nothing but ``lifecycle``.
- JCI: the connector.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import binascii
import datetime
import os

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.module_utils.reconcile_options import DEFAULTS
from ansible_collections.jama.connect.plugins.plugin_utils.reconcile.policy import Policy

MARKER_PREFIX = 'Managed by jama.connect'
# A created credential's name is the prefix plus this suffix, within limits.CREDENTIAL_NAME_MAX.
NAME_SUFFIX_LENGTH = len('-20261129T101010Z-abcd')

# Answers that prove Jama created nothing: it refused the request itself.
REFUSED = (errors.ValidationError, errors.ConflictError, errors.CredentialLimitError, errors.PermissionDeniedError,
           errors.AuthenticationError, errors.RateLimitedError, errors.NotFoundError)


class ReconcileError(errors.JamaConnectError):
    """A flow stopped; the message says what state it left and what the next run will do. Every raise names its
    ``reason`` (README, "Failure reasons") and whether the next run heals it."""

    reason = 'reconcile_failed'


def marker(jci_url, connector_name):
    """The description of every credential the engine creates for one connector of one JCI."""
    return '%s for JCI %s, connector "%s"' % (MARKER_PREFIX, jci_url.rstrip('/'), connector_name)


def new_credential_name(prefix, now=None):
    now = now or datetime.datetime.now(datetime.timezone.utc)
    # The random part keeps two runs in the same second (or two environments sharing a Jama) apart.
    return '%s-%s-%s' % (prefix, now.strftime('%Y%m%dT%H%M%SZ'), binascii.hexlify(os.urandom(2)).decode('ascii'))


def reason_of(error):
    return getattr(error, 'message', None) or str(error) or type(error).__name__


class Credential:
    """A client ID and secret, with the name and id Jama gave it when known. Never rendered with the secret."""

    def __init__(self, client_id, client_secret, name=None, replaces=None, planned=False, adopted=False, created=None):
        self.client_id = client_id
        self.client_secret = client_secret
        self.name = name
        self.replaces = replaces
        self.planned = planned
        # Made by a person in Jama's UI, not by this collection: never deleted by an undo.
        self.adopted = adopted
        # When Jama says it was created (an adopted one, when the service user's credentials were listed), or None.
        self.created = created

    @property
    def complete(self):
        return bool(self.client_id) and bool(self.client_secret)

    def label(self):
        if self.planned:
            return 'a new credential'
        return '%s (%s)' % (self.name, self.client_id) if self.name else str(self.client_id)


class Settings:
    """What one environment wants. Built by the action plugin from validated options; what it leaves out falls back
    on the option table's defaults (module_utils/reconcile_options.py)."""

    def __init__(self, **values):
        self.flow = values.get('flow', DEFAULTS['flow'])
        self.environment = values.get('environment')
        self.jama_url = values['jama_url'].rstrip('/')
        self.jci_url = values.get('jci_url') or ''
        self.connector_name = values.get('connector_name', DEFAULTS['connector_name'])
        self.verify_ssl = values.get('verify_ssl', DEFAULTS['verify_ssl'])
        self.service_user = values.get('service_user', DEFAULTS['service_user'])
        self.credential_name = values.get('credential_name', DEFAULTS['credential_name'])
        self.create_credential = values.get('create_credential', DEFAULTS['create_credential'])
        self.vault_file = values.get('vault_file')
        # Where the credential and the record of unfinished work live, as messages name it: the vault file's path or
        # the automation controller credential (plugin_utils/stores/controller.py).
        self.store = values.get('store') or self.vault_file
        self.client_id_var = values.get('client_id_var', DEFAULTS['client_id_var'])
        self.client_secret_var = values.get('client_secret_var', DEFAULTS['client_secret_var'])
        self.state_var = values.get('state_var', DEFAULTS['state_var'])
        self.client_id = values.get('client_id')
        self.client_secret = values.get('client_secret')
        self.basic_password = values.get('basic_password')
        # The age policy (lifecycle.py); none by default: no lifetime, no unused limit.
        self.policy = values.get('policy') or Policy()
        # The adopt flow's credential made by hand (client ID, secret); (None, None) for the other flows.
        self.adopt = values.get('adopt') or (None, None)

    @property
    def marker(self):
        return marker(self.jci_url, self.connector_name)

    @property
    def source(self):
        """Where the credential comes from, as messages name it."""
        return self.store or 'the role options'


class StoreView:
    """What the store says: the current credential and the unfinished work recorded under state_var."""

    def __init__(self, data, settings):
        self.data = data
        state = data.get(settings.state_var) or {}
        if not _well_formed(state):
            fix = ('remove that key with ansible-vault edit' if settings.vault_file else
                   'clear the credential\'s "Unfinished change" input in the controller')
            raise ReconcileError('%s holds an unexpected value under %s (the record of unfinished work); %s and run '
                                 'again' % (settings.store, settings.state_var, fix), reason='store_record_malformed')
        self.pending = dict(state.get('pending') or {})
        self.retire = [str(item) for item in state.get('retire') or []]
        self.lifecycle = dict(state.get('lifecycle') or {})
        self.partial = False
        self.partial_id = None
        if settings.client_id:
            self.current = Credential(settings.client_id, settings.client_secret)
            return
        client_id = data.get(settings.client_id_var)
        secret = data.get(settings.client_secret_var)
        self.current = Credential(str(client_id), str(secret)) if client_id and secret else None
        self.partial = bool(client_id) and not secret
        self.partial_id = str(client_id) if self.partial else None

    @property
    def clean(self):
        return not self.pending and not self.retire

    def held(self):
        """Every client ID the store knew of when the run started: only those may be deleted as the credential a
        connector was moved off (plan.foreign_credential)."""
        known = [self.current.client_id if self.current else None, self.partial_id, self.pending.get('client_id')]
        return set(str(client_id) for client_id in known + self.retire if client_id)


def _well_formed(state):
    return isinstance(state, dict) and isinstance(state.get('pending') or {}, dict) \
        and isinstance(state.get('retire') or [], list) and isinstance(state.get('lifecycle') or {}, dict)
