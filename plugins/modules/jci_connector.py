#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: jci_connector
short_description: Manage the "Jama Connect" connector in Jama Connect Interchange (JCI)
version_added: 0.1.0
description:
  - Makes sure a JCI connector for Jama Connect exists with the given URL and authentication, or does not.
  - Step 2 of Jama's article "Set Up OAuth Credentials for Jama Connector Authentication". After saving, test
    the connector with M(jama.connect.jci_connector_check) and watch its logs with
    M(jama.connect.jci_connector_info).
  - "Secrets are write-only in JCI, so they cannot be compared. The rule: in Jama a client secret never changes
    for a client ID (rotation issues a new client ID), so the readable client ID tells whether the stored
    secret is current. The client secret is sent when the connector is created, when it switches to OAuth,
    when the client ID changes, or when JCI reports no secret set. A Basic password can change under the same
    username, so it follows the same rule by username, and O(secret_update=always) sends it on every run."
  - Switching an existing Basic connector to OAuth is one update, shown in the diff with secrets masked. JCI
    applies it whole or not at all, so the connector is never left without working authentication.
  - JCI publishes no HTTP API; the calls follow the collection's modelled contract, kept in one file,
    C(plugins/module_utils/jci_client.py).
author:
  - jama.connect maintainers (@jama-connect)
extends_documentation_fragment:
  - jama.connect.connection.JCI
  - jama.connect.attributes.JCI
options:
  name:
    description:
      - Name of the connector in JCI; the identity the module matches on.
    type: str
    required: true
  url:
    description:
      - Base URL of the Jama Connect instance the connector reaches, for example C(https://jama.example.com).
      - Required with O(state=present).
    type: str
  verify_ssl:
    description:
      - Whether JCI verifies Jama's TLS certificate (the connector form's "Verify SSL").
    type: bool
    default: true
  authentication_type:
    description:
      - V(oauth) uses an API credential's client ID and secret; Jama recommends it, and SAML/SSO instances
        must use it. V(basic) uses a username and password, whose failures count towards Jama's lockout.
    type: str
    choices: [oauth, basic]
    default: oauth
  client_id:
    description:
      - Client ID of the JCI service user's Jama API credential. Required with V(oauth).
    type: str
  client_secret:
    description:
      - Client secret of that credential. Required with V(oauth). Never returned or shown in a diff.
    type: str
  username:
    description:
      - Jama username for V(basic).
    type: str
  password:
    description:
      - Jama password for V(basic). Never returned or shown in a diff.
    type: str
  secret_update:
    description:
      - V(on_identity_change) sends the client secret (or password) only when the connector is created, changes
        authentication type, gets a new client ID (or username), or has no secret set. Later runs report no
        change.
      - V(always) sends it on every run and so always reports a change. Use it once after changing a Basic
        password in Jama, or to repair a connector whose stored secret is wrong.
    type: str
    choices: [on_identity_change, always]
    default: on_identity_change
  state:
    description:
      - V(present) creates or updates the connector; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  force:
    description:
      - With O(state=absent), delete the connector even if integrations use it. Those integrations lose it.
    type: bool
    default: false
seealso:
  - module: jama.connect.jci_connector_check
  - module: jama.connect.jci_connector_info
  - module: jama.connect.jama_api_credential
'''

EXAMPLES = r'''
- name: Configure the Jama Connect connector with OAuth
  jama.connect.jci_connector:
    jci:
      url: https://jci.example.com
      username: jci_admin
      password: "{{ vault_jci_admin_password }}"
    name: Jama Connect (prod)
    url: https://jama.example.com
    authentication_type: oauth
    client_id: "{{ jama_client_id }}"
    client_secret: "{{ jama_client_secret }}"

- name: Remove a connector that integrations still use
  jama.connect.jci_connector:
    name: Old Jama
    state: absent
    force: true
'''

RETURN = r'''
connector:
  description: The connector as JCI reports it after the run; secrets only as set or not set.
  returned: always
  type: dict
  contains:
    id: {description: "JCI's id of the connector.", type: int, returned: success}
    name: {description: "Its name.", type: str, returned: success}
    application: {description: "Always C(jama_connect).", type: str, returned: success}
    url: {description: "The Jama Connect URL it points at.", type: str, returned: success}
    verify_ssl: {description: "Whether JCI verifies Jama's certificate.", type: bool, returned: success}
    authentication_type: {description: "C(oauth) or C(basic).", type: str, returned: success}
    client_id: {description: "The OAuth client ID, or null.", type: str, returned: success}
    client_secret_set: {description: "Whether a client secret is stored (never the secret).", type: bool, returned: success}
    username: {description: "The Basic username, or null.", type: str, returned: success}
    password_set: {description: "Whether a password is stored (never the password).", type: bool, returned: success}
    integrations: {description: "Names of the integrations that use it.", type: list, elements: str, returned: success}
    last_test:
      description: The last test, or null.
      type: dict
      returned: success
      contains:
        status: {description: C(passed) or C(failed)., type: str, returned: success}
        time: {description: When it ran., type: str, returned: success}
        user: {description: The Jama user it authenticated as., type: str, returned: success}
        latency_ms: {description: "How long JCI's call to Jama took.", type: int, returned: success}
        message: {description: "JCI's message.", type: str, returned: success}
  sample: {id: 2, name: Jama Connect (prod), application: jama_connect, url: https://jama.example.com,
           verify_ssl: true, authentication_type: oauth, client_id: 4f1c0a9d2b7e43a1b8c5d6e7,
           client_secret_set: true, username: null, password_set: false, integrations: [], last_test: null}
secret_sent:
  description: Whether this run sent (or, in check mode, would send) the client secret or password to JCI.
  returned: always
  type: bool
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
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.module_utils.connection import jci_argument_spec, jci_session
from ansible_collections.jama.connect.plugins.module_utils.connectors import (
    check_desired, connector_view, desired_fields, diff_view, planned_changes)
from ansible_collections.jama.connect.plugins.module_utils.jci_client import JciClient
from ansible_collections.jama.connect.plugins.module_utils.module_runner import execute


def argument_spec():
    spec = jci_argument_spec()
    spec.update(
        name={'type': 'str', 'required': True},
        url={'type': 'str'},
        verify_ssl={'type': 'bool', 'default': True},
        authentication_type={'type': 'str', 'choices': ['oauth', 'basic'], 'default': 'oauth'},
        client_id={'type': 'str'},
        client_secret={'type': 'str', 'no_log': True},
        username={'type': 'str'},
        password={'type': 'str', 'no_log': True},
        secret_update={'type': 'str', 'choices': ['on_identity_change', 'always'], 'default': 'on_identity_change'},
        state={'type': 'str', 'choices': ['present', 'absent'], 'default': 'present'},
        force={'type': 'bool', 'default': False},
    )
    return spec


def ensure_present(module, client):
    params = module.params
    check_desired(params)
    current = client.find_connector(params['name'])
    if current is None:
        fields = desired_fields(params)
        secret_field = 'clientSecret' if params['authentication_type'] == 'oauth' else 'password'
        fields[secret_field] = params['client_secret' if params['authentication_type'] == 'oauth' else 'password']
        planned = connector_view(dict(fields, name=params['name'], clientSecretSet=secret_field == 'clientSecret',
                                      passwordSet=secret_field == 'password'))
        if module.check_mode:
            return True, planned, True, {'before': {}, 'after': diff_view(planned, True)}
        created = connector_view(client.create_connector(dict(fields, name=params['name'])))
        return True, created, True, {'before': {}, 'after': diff_view(created, True)}
    before = connector_view(current)
    changes, send = planned_changes(params, current)
    if not changes:
        return False, before, False, {'before': diff_view(before), 'after': diff_view(before)}
    if module.check_mode:
        planned = dict(current, **changes)
        planned.update(clientSecretSet=params['authentication_type'] == 'oauth',
                       passwordSet=params['authentication_type'] == 'basic')
        if params['authentication_type'] == 'oauth':
            planned['username'] = None
        else:
            planned['clientId'] = None
        after = connector_view(planned)
        return True, after, send, {'before': diff_view(before), 'after': diff_view(after, send)}
    updated = connector_view(client.update_connector(current['id'], changes))
    return True, updated, send, {'before': diff_view(before), 'after': diff_view(updated, send)}


def ensure_absent(module, client):
    current = client.find_connector(module.params['name'])
    if current is None:
        return False, {}, False, {'before': {}, 'after': {}}
    before = connector_view(current)
    if before['integrations'] and not module.params['force']:
        raise errors.ConflictError(
            'The connector %s is used by integrations: %s' % (before['name'], ', '.join(before['integrations'])),
            status=409, hint='set force=true to delete it anyway; those integrations then lose this connector')
    if not module.check_mode:
        client.delete_connector(current['id'], force=module.params['force'])
    return True, {}, False, {'before': diff_view(before), 'after': {}}


def run(module, session):
    client = JciClient(session)
    if module.params['state'] == 'absent':
        changed, view, sent, diff = ensure_absent(module, client)
    else:
        changed, view, sent, diff = ensure_present(module, client)
    result = {'changed': changed, 'connector': view, 'secret_sent': sent}
    if module._diff:
        result['diff'] = diff
    return result


def main():
    # Which of client_id/client_secret/username/password are needed depends on state as well as
    # authentication_type, so check_desired() says it in one clear sentence instead of required_if.
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    execute(module, lambda session: run(module, session), jci_session)


if __name__ == '__main__':
    main()
