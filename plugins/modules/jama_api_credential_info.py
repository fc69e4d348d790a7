#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: jama_api_credential_info
short_description: List Jama Connect API credentials, never their secrets
version_added: 0.1.0
description:
  - Lists the API credentials of the authenticated user or, as a Jama administrator, of another user.
  - Jama allows at most 20 API credentials per user; use this module to find unused ones before that limit
    stops a new one.
  - Secrets are never returned; Jama shows a secret only once, when it is created.
  - Jama publishes no API for listing API credentials; the calls follow the collection's modelled contract.
author:
  - jama.connect maintainers (@jama-connect)
extends_documentation_fragment:
  - jama.connect.connection.JAMA
  - jama.connect.attributes.INFO
options:
  name:
    description:
      - Only the credential with exactly this name.
    type: str
  user:
    description:
      - Jama username whose credentials to list. Needs a Jama administrator in O(jama).
      - Default is the authenticated user.
    type: str
seealso:
  - module: jama.connect.jama_api_credential
'''

EXAMPLES = r'''
- name: List the JCI service user's API credentials
  jama.connect.jama_api_credential_info:
    jama:
      url: https://jama.example.com
      username: jama_admin
      password: "{{ vault_jama_admin_password }}"
    user: jci_service
  register: creds

- name: Show credentials never used to get a token
  ansible.builtin.debug:
    msg: "{{ creds.credentials | selectattr('last_used', 'none') | map(attribute='name') | list }}"
'''

RETURN = r'''
credentials:
  description: The credentials, oldest first, without secrets.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Jama's id of the credential.
      type: int
    name:
      description: The credential's name.
      type: str
    description:
      description: The credential's description.
      type: str
    client_id:
      description: The OAuth client ID.
      type: str
    created:
      description: When it was created.
      type: str
    last_used:
      description: When it last got a token, where Jama knows it; null if never.
      type: str
  sample: [{id: 1001, name: jci-oauth, description: '', client_id: 4f1c0a9d2b7e43a1b8c5d6e7,
            created: "2026-11-28T12:00:00.000+0000", last_used: null}]
count:
  description: How many credentials were found.
  returned: always
  type: int
  sample: 1
limit:
  description: The most API credentials Jama allows one user.
  returned: always
  type: int
  sample: 20
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

from ansible_collections.jama.connect.plugins.module_utils.connection import jama_argument_spec, jama_session
from ansible_collections.jama.connect.plugins.module_utils.credentials import credential_view
from ansible_collections.jama.connect.plugins.module_utils.jama_client import JamaClient
from ansible_collections.jama.connect.plugins.module_utils.limits import CREDENTIALS_PER_USER
from ansible_collections.jama.connect.plugins.module_utils.module_runner import execute

CREDENTIAL_LIMIT = CREDENTIALS_PER_USER


def run(module, session):
    client = JamaClient(session)
    user_id = client.find_user(module.params['user'])['id'] if module.params['user'] else None
    creds = [credential_view(cred) for cred in client.list_credentials(user_id, module.params['name'])]
    return {'changed': False, 'credentials': creds, 'count': len(creds), 'limit': CREDENTIAL_LIMIT}


def main():
    spec = jama_argument_spec()
    spec.update(name={'type': 'str'}, user={'type': 'str'})
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    execute(module, lambda session: run(module, session), jama_session)


if __name__ == '__main__':
    main()
