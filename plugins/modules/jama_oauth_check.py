#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: jama_oauth_check
short_description: Verify a Jama API credential directly against Jama Connect
version_added: 0.1.0
description:
  - Requests an OAuth token with the client ID and secret in O(jama), then calls C(users/current) with it, as
    Jama recommends for testing a token. Reports the user, its license type, its REST API access and the
    token's lifetime.
  - This uses only documented Jama endpoints (C(POST /rest/oauth/token) and C(GET /rest/v1/users/current)),
    so it works against a real Jama Connect today.
  - It never reports a change. It returns the token only when asked with O(return_token), and then only on a
    task with C(no_log).
  - Failed client-credential requests never lock a Jama account, so this check is safe to repeat.
  - In check mode it requests no token (a POST, which Jama records as the credential's last use) and reports
    RV(checked=false).
author:
  - jama.connect maintainers (@jama-connect)
extends_documentation_fragment:
  - jama.connect.connection.JAMA
  - jama.connect.attributes.INFO
attributes:
  check_mode:
    details: In check mode it requests no token (a POST Jama records as the credential's last use) and checks nothing.
options:
  return_token:
    description:
      - Return the access token in RV(access_token). The task must have C(no_log) set.
    type: bool
    default: false
notes:
  - O(jama) must authenticate with C(client_id) and C(client_secret).
seealso:
  - module: jama.connect.jama_api_credential
  - module: jama.connect.jci_connector_check
'''

EXAMPLES = r'''
- name: Check the JCI service user's API credential against Jama
  jama.connect.jama_oauth_check:
    jama:
      url: https://jama.example.com
      client_id: "{{ jama_client_id }}"
      client_secret: "{{ jama_client_secret }}"
  register: oauth

- name: Show the result
  ansible.builtin.debug:
    msg: "{{ oauth.user.username }} ({{ oauth.license_type }}), token valid {{ oauth.expires_in }} s"
'''

RETURN = r'''
checked:
  description: Whether the credential was checked against Jama; false in check mode, which requests no token.
  returned: always
  type: bool
note:
  description: Why it was not checked.
  returned: in check mode
  type: str
user:
  description: The user the credential belongs to, as C(users/current) answers.
  returned: success
  type: dict
  contains:
    id: {description: "The user's id.", type: int, returned: success}
    username: {description: The username., type: str, returned: success}
    licenseType: {description: "The licence type (C(NAMED) is Named Creator).", type: str, returned: success}
    firstName: {description: First name., type: str, returned: success}
    lastName: {description: Last name., type: str, returned: success}
    email: {description: E-mail address., type: str, returned: success}
    active: {description: Whether the account is active., type: bool, returned: success}
  sample: {id: 2, username: jci_service, licenseType: NAMED, active: true}
license_type:
  description: The user's license type; REST API access needs a Named Creator (C(NAMED)) license.
  returned: success
  type: str
  sample: NAMED
rest_access:
  description: Whether the user may use the REST API (C(users/current) answered with the token).
  returned: success
  type: bool
expires_in:
  description: The token's lifetime in seconds, as Jama reported it.
  returned: success
  type: int
  sample: 3599
token_type:
  description: The token type Jama reported (C(Bearer), or C(bearer) before July 2024).
  returned: success
  type: str
access_token:
  description: The access token.
  returned: when O(return_token=true)
  type: str
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
from ansible_collections.jama.connect.plugins.module_utils.connection import (
    jama_argument_spec, jama_session, resolve_jama)
from ansible_collections.jama.connect.plugins.module_utils.module_runner import execute
from ansible_collections.jama.connect.plugins.module_utils.probe import check_credential


def run(module, session):
    if module.check_mode:
        # A token request is a POST, and Jama records it as the credential's last use.
        return {'changed': False, 'checked': False,
                'note': 'not checked in check mode: a token request would move the credential\'s last use in Jama'}
    result = dict(check_credential(session), changed=False, rest_access=True, checked=True)
    result.pop('jama_date', None)
    if module.params['return_token']:
        result['access_token'] = session.auth.access_token
    return result


def main():
    spec = jama_argument_spec()
    spec.update(return_token={'type': 'bool', 'default': False})
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    explicit, refused = {}, None
    try:
        explicit = resolve_jama(module.params, require_auth=False)
    except errors.ConfigurationError as error:
        refused = error.message
    if refused:
        module.fail_json(msg=refused)
    if not explicit.get('client_id'):
        module.fail_json(msg='jama_oauth_check verifies an API credential: set jama.client_id and '
                             'jama.client_secret (or JAMA_CLIENT_ID and JAMA_CLIENT_SECRET)')
    if module.params['return_token'] and not module.no_log:
        module.fail_json(msg='return_token=true needs no_log: true on the task, so the token is never shown')
    execute(module, lambda session: run(module, session), jama_session)


if __name__ == '__main__':
    main()
