# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options of jama.connect.oauth_connector_reconcile, shared by its action plugin (which does the work) and
its module file (which documents it)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.jama.connect.plugins.module_utils.connection import (
    CONTROLLER_OPTIONS, HASHI_VAULT_OPTIONS, JAMA_OPTIONS, JCI_OPTIONS, _suboptions)
from ansible_collections.jama.connect.plugins.module_utils.limits import MAX_FAILED_ROTATIONS

FLOWS = ('configure', 'check', 'migrate', 'rotate', 'adopt', 'report')
CONTROLLER_CREDENTIAL = {
    'name': {'type': 'str'}, 'organization': {'type': 'str'},
    'credential_type': {'type': 'str', 'default': 'Jama Connect OAuth client'},
    'description': {'type': 'str', 'default': 'Jama Connect API credential (managed by jama.connect)'}}

# The one table of the reconciler's options: (option, its argument spec, the role variable that sets it). The
# action's spec (argument_spec), the role variable names in its messages (ROLE_VARIABLES) and the defaults the
# engine falls back on (DEFAULTS) come from here; tests/unit/plugins/module_utils/test_reconcile_options.py holds
# the role's meta/argument_specs.yml, defaults/main.yml, tasks/reconcile.yml and the module's DOCUMENTATION to it.
OPTIONS = (
    ('flow', {'type': 'str', 'choices': list(FLOWS), 'default': 'configure'}, None),
    ('environment_name', {'type': 'str'}, 'oauth_connector_environment'),
    ('jama_url', {'type': 'str', 'required': True}, 'oauth_connector_jama_url'),
    ('jama_ca_path', {'type': 'path'}, 'oauth_connector_jama_ca_path'),
    ('jama_validate_certs', {'type': 'bool', 'default': True}, 'oauth_connector_jama_validate_certs'),
    ('jama_timeout', {'type': 'int', 'default': 30}, None),
    ('vault_file', {'type': 'path'}, 'oauth_connector_vault_file'),
    ('vault_id', {'type': 'str'}, 'oauth_connector_vault_id'),
    ('client_id_var', {'type': 'str', 'default': 'jama_client_id'}, 'oauth_connector_client_id_var'),
    ('client_secret_var', {'type': 'str', 'default': 'jama_client_secret', 'no_log': False},
     'oauth_connector_client_secret_var'),
    ('state_var', {'type': 'str', 'default': 'jama_credential_state'}, 'oauth_connector_state_var'),
    ('client_id', {'type': 'str'}, 'oauth_connector_client_id'),
    ('client_secret', {'type': 'str', 'no_log': True}, 'oauth_connector_client_secret'),
    ('client_secret_plaintext', {'type': 'bool', 'default': False, 'no_log': False}, None),
    ('create_credential', {'type': 'bool', 'default': False}, 'oauth_connector_create_credential'),
    ('service_user', {'type': 'str', 'default': 'jci_service'}, 'oauth_connector_service_user'),
    ('credential_name', {'type': 'str', 'default': 'jci-oauth'}, 'oauth_connector_credential_name'),
    ('connector_name', {'type': 'str', 'default': 'Jama Connect'}, 'oauth_connector_name'),
    ('verify_ssl', {'type': 'bool', 'default': True}, 'oauth_connector_verify_ssl'),
    ('basic_password', {'type': 'str', 'no_log': True}, 'oauth_connector_basic_password'),
    ('jama', {'type': 'dict', 'options': _suboptions(JAMA_OPTIONS), 'apply_defaults': True},
     'oauth_connector_jama_admin'),
    ('jci', {'type': 'dict', 'options': _suboptions(JCI_OPTIONS), 'apply_defaults': True}, 'oauth_connector_jci'),
    ('controller_credential', {'type': 'dict', 'options': CONTROLLER_CREDENTIAL},
     'oauth_connector_controller_credential'),
    ('controller', {'type': 'dict', 'options': _suboptions(CONTROLLER_OPTIONS), 'apply_defaults': True},
     'oauth_connector_controller'),
    # A HashiCorp Vault (OpenBao) KV v2 secret as the store (plugin_utils/stores/hashi_vault.py).
    ('hashi_vault', {'type': 'dict', 'options': _suboptions(HASHI_VAULT_OPTIONS)}, 'oauth_connector_hashi_vault'),
    # The controller credential's record of unfinished work, as the controller injected it (JSON text).
    ('credential_state', {'type': 'raw', 'no_log': True}, 'oauth_connector_credential_state'),
    ('credential_revision', {'type': 'str'}, 'oauth_connector_credential_revision'),
    # Set when a "Jama Connect OAuth client" credential is attached to the job (it injects the client options).
    ('client_from_credential', {'type': 'bool', 'default': False}, 'oauth_connector_client_secret_from_credential'),
    # The age policy (plugin_utils/reconcile/lifecycle.py): durations such as 90d, 36h or 30m.
    ('max_age', {'type': 'str'}, 'oauth_connector_max_age'),
    ('rotate_before', {'type': 'str'}, 'oauth_connector_rotate_before'),
    ('warn_before', {'type': 'str'}, 'oauth_connector_warn_before'),
    ('max_unused', {'type': 'str'}, 'oauth_connector_max_unused'),
    ('rotate_when_due', {'type': 'bool', 'default': False}, 'oauth_connector_rotate_when_due'),
    ('max_failed_rotations', {'type': 'int', 'default': MAX_FAILED_ROTATIONS}, 'oauth_connector_max_failed_rotations'),
    # The credential made by hand in Jama's UI that the adopt flow takes over (jama.connect.adopt asks for it).
    ('adopt_client_id', {'type': 'str'}, 'oauth_connector_adopt_client_id'),
    ('adopt_client_secret', {'type': 'str', 'no_log': True}, 'oauth_connector_adopt_client_secret'),
)

# Messages name the module option and the role variable that sets it, so both audiences find the fix; a connection's
# sub-options are named through their parent's variable.
ROLE_VARIABLES = dict((option, variable) for option, _spec, variable in OPTIONS if variable)
ROLE_VARIABLES.update(('%s.%s' % (option, key), '%s.%s' % (ROLE_VARIABLES[option], key))
                      for option in ('jama', 'jci', 'controller', 'hashi_vault') for key in ('ca_path', 'timeout'))

DEFAULTS = dict((option, spec['default']) for option, spec, _variable in OPTIONS if 'default' in spec)


def argument_spec():
    return dict((option, copy.deepcopy(spec)) for option, spec, _variable in OPTIONS)
