#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: jama_api_credential
short_description: Manage Jama Connect API credentials (OAuth client ID and secret)
version_added: 0.1.0
description:
  - Makes sure a Jama Connect API credential with a given name exists, or does not, for the authenticated user
    or, as a Jama administrator, for another user (for example the JCI service account).
  - Jama shows a credential's client secret once, when it is created. The first run returns it; later runs
    return only the client ID and report no change.
  - "Handing the secret to Ansible Vault: with O(vault_file), the action plugin that runs this module writes the
    new client ID and secret into a vault-encrypted vars file on the controller before the task returns, so the
    one-time secret cannot be lost between tasks. The file is encrypted as a whole with the running playbook's
    vault secret (or O(vault_password_file)), written atomically with mode 0600, and other variables in it are
    kept. If the write fails, the credential just created is deleted again and the task fails."
  - "Why an action plugin: the vault secrets and the vars files live on the controller, and the secret must be
    stored before the task returns. A separate copy task would leave a window in which a failure loses it."
  - "Handing the secret to HashiCorp Vault: with O(hashi_vault), the action plugin writes the new client ID and
    secret into a KV version 2 secret with a check-and-set write, the record of the create about to happen having
    been written there first (the same record the role keeps). O(hashi_vault) is the only store of such a task: it
    cannot be combined with O(vault_file) or O(controller_credential)."
  - Whenever the result holds a client secret, its output is censored as with C(no_log), at every verbosity;
    the registered variable keeps the value.
  - Jama publishes no API for managing API credentials. The calls follow the collection's modelled contract
    (C(docs/api-contract.yaml)), kept in one file, C(plugins/module_utils/jama_client.py).
author:
  - jama.connect maintainers (@jama-connect)
extends_documentation_fragment:
  - jama.connect.connection.JAMA
  - jama.connect.connection.CONTROLLER
  - jama.connect.connection.HASHI_VAULT
  - jama.connect.attributes
options:
  name:
    description:
      - Name of the API credential; the identity the module matches on. Unique per user. At most 83 characters.
      - A rotated credential is named C(NAME@<UTC time>); the module treats C(NAME) and every C(NAME@<time>) as one
        credential's family and the newest member as the current one.
    type: str
    required: true
  description:
    description:
      - Description used when the credential is created. A rotation without it keeps the replaced credential's.
      - Jama cannot change a credential's description afterwards; a different value on a later run only warns.
    type: str
  user:
    description:
      - Jama username whose credential this is. Needs a Jama administrator in O(jama).
      - Default is the authenticated user.
    type: str
  state:
    description:
      - V(present) creates the credential if it is missing; V(absent) deletes it, which invalidates it and
        every token it issued.
    type: str
    choices: [present, absent]
    default: present
  rotate:
    description:
      - Replace the credential with a new one, with a new client ID and secret, named C(NAME@<UTC time>) (names are
        unique, and both exist for a moment). Always reports a change.
      - The new credential is created first; the old one is deleted only after the new secret is safe, that is after
        the hand-off to O(vault_file), O(controller_credential) or O(hashi_vault), or at once when the secret is
        returned in the result. If the hand-off fails,
        the new credential is deleted and the old one is left working.
      - This does not repoint connectors; the C(jama.connect.rotate) playbook also points the JCI connector at the
        new credential and tests it before the old one goes.
    type: bool
    default: false
  credential_ids:
    description:
      - With O(state=absent), delete only these members of the credential's family (Jama ids), not all of them. The
        action plugin uses it to finish a rotation.
    type: list
    elements: int
  vault_file:
    description:
      - Vars file on the controller that receives the new client ID and secret, encrypted with Ansible Vault.
      - Its directory must exist. Other variables in the file are kept.
      - Written only when a credential is created (or rotated); never in check mode.
    type: path
  vault_id:
    description:
      - Vault ID to encrypt O(vault_file) with, one of those given to the playbook with C(--vault-id).
      - Default is the first vault secret of the run.
    type: str
  vault_password_file:
    description:
      - Encrypt O(vault_file) with the password in this file (or returned by this script) instead of the run's
        vault secret.
    type: path
  client_id_var:
    description:
      - Variable name for the client ID in O(vault_file) (or the key in the O(hashi_vault) secret).
    type: str
    default: jama_client_id
  client_secret_var:
    description:
      - Variable name for the client secret in O(vault_file) (or the key in the O(hashi_vault) secret).
    type: str
    default: jama_client_secret
  state_var:
    description:
      - Variable in O(vault_file) (or key in the O(hashi_vault) secret) under which the task records a credential it is about to create (the credential's
        family and the client IDs it had), removed in the same write that stores the new secret. A run killed (or an
        answer lost) between the create and that write leaves the record, and the next run deletes the credential
        whose secret was lost and creates a new one, without O(rotate).
      - The default is the O(jama.connect.oauth_connector_reconcile#module:state_var) of the role, whose engine
        reads the same record, so a task and the role can share one vault file.
    type: str
    default: jama_credential_state
  return_secret:
    description:
      - Whether a newly created client secret is returned in RV(client_secret).
      - Default is V(true) without O(vault_file), O(controller_credential) or O(hashi_vault) (the result is the only
        place the secret exists) and V(false) with any of them.
    type: bool
  controller_credential:
    description:
      - Hand the new client ID and secret to a credential in an automation controller (AWX, Red Hat Ansible Automation
        Platform), instead of or as well as O(vault_file), so the secret outlives the job. Reached with O(controller).
      - The credential is created, or its inputs updated (C(url), C(client_id), C(client_secret)), before the task
        returns, and only after Jama accepted the new secret (a token and the user it belongs to). If that fails, the
        new Jama credential is deleted again (and O(vault_file), if given, is put back), so nothing is left half done.
      - A lost controller answer is settled by reading the credential back; the controller never shows the secret,
        so the client ID (or the revision this task wrote) decides.
      - Without O(vault_file), the controller credential takes the record of a create about to happen (the family and
        the client IDs it had) in its plain C(revision) input, where this task can read it back, so a run killed
        between the create and the hand-off is healed by the next run without O(rotate), as with O(vault_file). A
        first run creates the controller credential with the record, before the Jama credential. A credential type
        without the C(revision) input records nothing; then the next run asks for O(rotate).
      - The credential type, the organization and the connection are checked before anything is created.
      - With O(rotate), the old Jama credential is deleted only after the controller holds the new one.
    type: dict
    suboptions:
      name:
        description:
          - Name of the controller credential.
        type: str
        required: true
      organization:
        description:
          - Name of the organization that owns it.
        type: str
        required: true
      credential_type:
        description:
          - Name of its credential type (kind C(cloud)), with the inputs C(client_id) and C(client_secret) (and C(url),
            filled with the Jama URL). Install the collection's with the C(jama.connect.controller_credential_types)
            playbook.
        type: str
        default: Jama Connect OAuth client
      description:
        description:
          - Description given when the credential is created.
        type: str
        default: Jama Connect API credential (managed by jama.connect)
attributes:
  action:
    description: Indicates this has a corresponding action plugin so some parts of the options can be executed on the controller.
    support: full
    details: The action plugin hands the new secret off to O(vault_file), O(controller_credential) or O(hashi_vault) before the task returns.
  action_group:
    description: >-
      Use C(group/jama.connect.jama), C(group/jama.connect.controller) or C(group/jama.connect.hashi_vault) in
      C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - jama.connect.jama
      - jama.connect.controller
      - jama.connect.hashi_vault
notes:
  - The secret is never in the diff, the logs, or an error message.
  - Failed Basic logins count towards Jama's lockout (10 in 5 minutes lock the account for 30 minutes). The
    module makes at most one login attempt per call and never retries a 401.
seealso:
  - module: jama.connect.jama_api_credential_info
  - module: jama.connect.controller_credential_type
  - name: The collection's guide to Automation Platform
    description: The controller credential sink, credential types and job templates.
    link: https://github.com/jama-connect/jama.connect/blob/main/docs/automation-platform.md
'''

EXAMPLES = r'''
- name: Create the JCI service user's credential and hand the secret to the environment's vault file
  jama.connect.jama_api_credential:
    jama:
      url: https://jama.example.com
      username: jama_admin
      password: "{{ vault_jama_admin_password }}"
    user: jci_service
    name: jci-oauth
    description: JCI connector (managed by Ansible)
    vault_file: "{{ inventory_dir }}/group_vars/prod/jama_credential.vault.yml"

- name: Create a credential for the authenticated user and keep the secret in a registered variable
  jama.connect.jama_api_credential:
    name: reporting
  no_log: true
  register: credential

- name: Create the credential and hand it to an Automation Platform credential that job templates attach
  jama.connect.jama_api_credential:
    user: jci_service
    name: jci-oauth
    controller_credential:
      name: Jama OAuth (prod)
      organization: Default
  # jama and controller connections from JAMA_* and CONTROLLER_* (the job's credentials)

- name: Create the credential and hand it to a HashiCorp Vault KV v2 secret that jobs read with a Vault lookup
  jama.connect.jama_api_credential:
    user: jci_service
    name: jci-oauth
    hashi_vault:
      url: https://vault.example.com:8200
      path: jama/prod
  # the token from VAULT_TOKEN; the secret's mount is secret/ unless hashi_vault.mount says otherwise

- name: Remove a credential that is no longer used
  jama.connect.jama_api_credential:
    name: old-integration
    state: absent
'''

RETURN = r'''
credential:
  description: The credential as Jama lists it, without any secret. Empty after V(absent).
  returned: always
  type: dict
  contains:
    id: {description: "Jama's id of the credential.", type: int, returned: success}
    name: {description: Its name., type: str, returned: success}
    description: {description: Its description., type: str, returned: success}
    client_id: {description: Its client ID., type: str, returned: success}
    created: {description: When it was created., type: str, returned: success}
    last_used: {description: "When it was last used, or null.", type: str, returned: success}
    older:
      description:
        - Older members of the credential's family left by a rotation that did not finish; the action plugin deletes
          them (RV(retired)) once it found the newest where O(vault_file), O(controller_credential) or O(hashi_vault)
          keeps it.
      type: list
      elements: dict
      returned: when such credentials exist
      contains:
        id: {description: "Jama's id of the credential.", type: int, returned: success}
        name: {description: Its name., type: str, returned: success}
        client_id: {description: Its client ID., type: str, returned: success}
    replaced:
      description: With O(rotate), the credentials the new one replaces (deleted once the new secret is safe).
      type: list
      elements: dict
      returned: when rotated
      contains:
        id: {description: "Jama's id of the credential.", type: int, returned: success}
        name: {description: Its name., type: str, returned: success}
        client_id: {description: Its client ID., type: str, returned: success}
  sample: {id: 1001, name: jci-oauth, description: JCI connector, client_id: 4f1c0a9d2b7e43a1b8c5d6e7,
           created: "2026-11-28T12:00:00.000+0000", last_used: null}
client_id:
  description: The credential's client ID.
  returned: when the credential exists
  type: str
  sample: 4f1c0a9d2b7e43a1b8c5d6e7
client_secret:
  description:
    - The client secret. Only when the credential was created (or rotated) by this run, not in check mode, and
      only if O(return_secret) allows it. Jama never shows it again.
  returned: when created and returned
  type: str
vault_file:
  description: The vars file the client ID and secret were written to.
  returned: when the secret was handed off to O(vault_file)
  type: str
retired:
  description: Names of older credentials of the family that an unfinished rotation left, deleted by this run.
  returned: when there were any
  type: list
  elements: str
cleaned_up:
  description:
    - Names of credentials an interrupted earlier run created and never handed off to O(vault_file), O(hashi_vault)
      or O(controller_credential) (its record under O(state_var) named their family), deleted by this run before it
      created the new one.
  returned: when there were any
  type: list
  elements: str
would_delete:
  description:
    - In check mode, the credentials a real run would delete first, as RV(cleaned_up) says of a real run.
  returned: in check mode, when there were any
  type: list
  elements: str
hashi_vault:
  description: The Vault secret that received the client ID and secret, and the version this run wrote.
  returned: when the secret was handed off to O(hashi_vault)
  type: dict
  contains:
    mount: {description: The KV version 2 mount., type: str, returned: success}
    path: {description: The secret's path in the mount., type: str, returned: success}
    version: {description: The secret's version that holds the new client ID and secret., type: int, returned: success}
  sample: {mount: secret, path: jama/prod, version: 4}
controller_credential:
  description: The automation controller credential that received the client ID and secret.
  returned: when the secret was handed off to O(controller_credential)
  type: dict
  contains:
    id: {description: "The controller's id of the credential.", type: int, returned: success}
    name: {description: Its name., type: str, returned: success}
    organization: {description: Its organization., type: str, returned: success}
  sample: {id: 7, name: Jama OAuth (prod), organization: Default}
retries:
  description: Calls that were repeated after 429, 502, 503, 504 or a connection failure.
  returned: always
  type: list
  elements: dict
  contains:
    method: {description: The HTTP method., type: str, returned: always}
    path: {description: "The path called, without the query.", type: str, returned: always}
    status: {description: "The status that was retried, or null for a connection failure.", type: int, returned: always}
    error: {description: "The connection error's type, or null.", type: str, returned: always}
  sample: [{method: GET, path: /rest/v1/users/current/apicredentials, status: 429, error: null}]
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.module_utils.connection import (
    controller_argument_spec, hashi_vault_argument_spec, jama_argument_spec, jama_session)
from ansible_collections.jama.connect.plugins.module_utils.credentials import (
    check_name, credential_view, family, rotated_name)
from ansible_collections.jama.connect.plugins.module_utils.jama_client import JamaClient
from ansible_collections.jama.connect.plugins.module_utils.module_runner import execute


def argument_spec():
    spec = jama_argument_spec()
    spec.update(
        name={'type': 'str', 'required': True},
        description={'type': 'str'},
        user={'type': 'str'},
        state={'type': 'str', 'choices': ['present', 'absent'], 'default': 'present'},
        rotate={'type': 'bool', 'default': False},
        # Used by the action plugin on the controller; the module only accepts them.
        vault_file={'type': 'path'},
        vault_id={'type': 'str'},
        vault_password_file={'type': 'path', 'no_log': False},
        client_id_var={'type': 'str', 'default': 'jama_client_id'},
        client_secret_var={'type': 'str', 'default': 'jama_client_secret', 'no_log': False},
        state_var={'type': 'str', 'default': 'jama_credential_state'},
        return_secret={'type': 'bool'},
        credential_ids={'type': 'list', 'elements': 'int'},
        controller_credential={'type': 'dict', 'options': {
            'name': {'type': 'str', 'required': True}, 'organization': {'type': 'str', 'required': True},
            'credential_type': {'type': 'str', 'default': 'Jama Connect OAuth client'},
            'description': {'type': 'str', 'default': 'Jama Connect API credential (managed by jama.connect)'}}},
    )
    spec.update(controller_argument_spec())
    # The action plugin writes the secret; the module is given only the secret's address, never the Vault token.
    spec.update(hashi_vault_argument_spec())
    return spec


def owner_id(client, username):
    return None if not username else client.find_user(username)['id']


def hands_off(params):
    """Whether the action plugin hands the new secret to a store before anything it replaces is deleted."""
    return bool(params['vault_file'] or params['controller_credential'] or params['hashi_vault'])


def ensure_present(module, client, user_id):
    params = module.params
    members = family(client.list_credentials(user_id), params['name'])
    existing = members[-1] if members else None
    if existing and not params['rotate']:
        return keep_existing(module, members)
    before = credential_view(existing) if existing else {}
    name = rotated_name(params['name']) if existing else params['name']
    # A rotation keeps the replaced credential's description unless the task gives one.
    description = params['description'] if params['description'] is not None else \
        (existing or {}).get('description') or ''
    after = {'name': name, 'description': description, 'client_id': '(new)'}
    if module.check_mode:
        return True, after, None, {'before': before, 'after': after}
    # The replacement first: the old credential keeps working until the new secret is safe.
    created = create(client, params, name, description or None, user_id)
    view = credential_view(created)
    view['replaced'] = [credential_view(cred) for cred in members]
    if members and not hands_off(params):
        # No hand-off to wait for: the result holds the new secret, so the old credentials go now.
        for cred in members:
            client.delete_credential(cred['id'], user_id)
    return True, view, created.get('clientSecret'), {'before': before, 'after': view}


def keep_existing(module, members):
    """The credential exists and no rotation was asked for: report it (Jama shows no secret again)."""
    params = module.params
    existing = members[-1]
    if params['description'] is not None and params['description'] != existing.get('description', ''):
        module.warn('Jama cannot change the description of API credential %r; it is left as it is.' % params['name'])
    view = credential_view(existing)
    if len(members) > 1 and hands_off(params):
        # Left by a rotation whose old credential was not deleted: the action deletes these once it has checked
        # the newest is where the secret is kept.
        view['older'] = [credential_view(cred) for cred in members[:-1]]
    return False, view, None, {'before': view, 'after': view}


def create(client, params, name, description, user_id):
    """Create the credential; a lost answer says what the next run does about a credential Jama may have made."""
    try:
        return client.create_credential(name, description, user_id)
    except errors.TransportError as error:
        if not error.details.get('answer_lost'):
            raise
        if params['vault_file'] or params['hashi_vault']:
            next_run = ('as %s records the attempt, deletes it (its secret is lost) and creates a new one'
                        % ('vault_file' if params['vault_file'] else 'the Vault secret'))
        elif hands_off(params):
            next_run = ('as the controller credential records the attempt, deletes it (its secret is lost) and creates '
                        'a new one (a credential type without the revision input records nothing: then the next run '
                        'asks for rotate: true)')
        else:
            next_run = 'reports it unchanged and without a secret: run with rotate: true to replace it, or delete it with state: absent'
        raise errors.TransportError(
            '%s. Jama may have created the credential %r, and its secret was in the lost answer. The next run finds '
            'it and, %s' % (error.message.rstrip('.'), name, next_run), hint=error.hint)


def ensure_absent(module, client, user_id):
    members = family(client.list_credentials(user_id), module.params['name'])
    if module.params['credential_ids']:
        members = [cred for cred in members if cred['id'] in module.params['credential_ids']]
    if not members:
        return False, {}, None, {'before': {}, 'after': {}}
    if not module.check_mode:
        for cred in members:
            client.delete_credential(cred['id'], user_id)
    return True, {}, None, {'before': credential_view(members[-1]), 'after': {}}


def run(module, session):
    check_name(module.params['name'])
    client = JamaClient(session)
    user_id = owner_id(client, module.params['user'])
    if module.params['state'] == 'absent':
        changed, view, secret, diff = ensure_absent(module, client, user_id)
    else:
        changed, view, secret, diff = ensure_present(module, client, user_id)
    result = {'changed': changed, 'credential': view}
    if view.get('client_id') and view['client_id'] != '(new)':
        result['client_id'] = view['client_id']
    if secret is not None:
        result['client_secret'] = secret
    if module._diff:
        result['diff'] = diff
    return result


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    execute(module, lambda session: run(module, session), jama_session)


if __name__ == '__main__':
    main()
