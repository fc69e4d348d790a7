# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options of jama.connect.oauth_connector_reconcile, shared by its action plugin (which does the work) and
its module file (which documents it)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.jama.connect.plugins.module_utils.connection import (
    CONTROLLER_OPTIONS, JAMA_OPTIONS, JCI_OPTIONS, _suboptions)

FLOWS = ('configure', 'check', 'migrate', 'rotate')


def argument_spec():
    return {
        'flow': {'type': 'str', 'choices': list(FLOWS), 'default': 'configure'},
        'environment_name': {'type': 'str'},
        'jama_url': {'type': 'str', 'required': True},
        'jama_ca_path': {'type': 'path'},
        'jama_validate_certs': {'type': 'bool', 'default': True},
        'jama_timeout': {'type': 'int', 'default': 30},
        'vault_file': {'type': 'path'},
        'vault_id': {'type': 'str'},
        'client_id_var': {'type': 'str', 'default': 'jama_client_id'},
        'client_secret_var': {'type': 'str', 'default': 'jama_client_secret', 'no_log': False},
        'state_var': {'type': 'str', 'default': 'jama_credential_state'},
        'client_id': {'type': 'str'},
        'client_secret': {'type': 'str', 'no_log': True},
        'client_secret_plaintext': {'type': 'bool', 'default': False, 'no_log': False},
        'create_credential': {'type': 'bool', 'default': False},
        'service_user': {'type': 'str', 'default': 'jci_service'},
        'credential_name': {'type': 'str', 'default': 'jci-oauth'},
        'connector_name': {'type': 'str', 'default': 'Jama Connect'},
        'verify_ssl': {'type': 'bool', 'default': True},
        'basic_password': {'type': 'str', 'no_log': True},
        'jama': {'type': 'dict', 'options': _suboptions(JAMA_OPTIONS), 'apply_defaults': True},
        'jci': {'type': 'dict', 'options': _suboptions(JCI_OPTIONS), 'apply_defaults': True},
        'controller_credential': {'type': 'dict', 'options': {
            'name': {'type': 'str'}, 'organization': {'type': 'str'},
            'credential_type': {'type': 'str', 'default': 'Jama Connect OAuth client'},
            'description': {'type': 'str', 'default': 'Jama Connect API credential (managed by jama.connect)'}}},
        'controller': {'type': 'dict', 'options': _suboptions(CONTROLLER_OPTIONS), 'apply_defaults': True},
        # The controller credential's record of unfinished work, as the controller injected it (JSON text).
        'credential_state': {'type': 'raw', 'no_log': True},
        'credential_revision': {'type': 'str'},
        # Set when a "Jama Connect OAuth client" credential is attached to the job (it injects the client options).
        'client_from_credential': {'type': 'bool', 'default': False},
    }
