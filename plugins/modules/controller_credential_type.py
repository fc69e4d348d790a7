#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: controller_credential_type
short_description: Install a custom credential type into an automation controller (AWX / Automation Platform)
version_added: 0.2.0
description:
  - Creates, updates or removes one custom credential type in an automation controller through its REST API, found
    by O(name) and O(kind).
  - The collection ships the credential types its jobs need in C(extensions/automation_platform/credential_types.yml);
    the playbook C(jama.connect.controller_credential_types) installs them all with this module.
  - A type still used by credentials cannot be removed; the controller refuses it and the task fails saying so.
author:
  - jama.connect maintainers (@jama-connect)
extends_documentation_fragment:
  - jama.connect.connection.CONTROLLER
  - jama.connect.attributes.CONTROLLER
options:
  name:
    description:
      - Name of the credential type, for example C(Jama Connect OAuth client).
    type: str
    required: true
  kind:
    description:
      - Kind of the credential type; the controller allows only these two for custom types.
    type: str
    choices: [cloud, net]
    default: cloud
  description:
    description:
      - Description shown in the controller.
    type: str
    default: ''
  inputs:
    description:
      - The input fields, as the controller takes them (C(fields), each with C(id), C(label), C(type) and
        C(secret) where it applies, and C(required)). A field without C(type) is a C(string).
      - Left out, a new type gets none and an existing type keeps its own.
      - The controller refuses to change the inputs of a type that credentials use; the task then fails before any
        change, naming how many use it.
    type: dict
  injectors:
    description:
      - How a job gets the inputs (C(env), C(extra_vars), C(file)), as Jinja over the inputs.
      - Left out, a new type gets none and an existing type keeps its own.
    type: dict
  state:
    description:
      - V(present) creates or updates the type; V(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
seealso:
  - module: jama.connect.jama_api_credential
  - name: The collection's guide to Automation Platform
    description: Credential types, where the secret lives, job templates.
    link: https://github.com/jama-connect/jama.connect/blob/main/docs/automation-platform.md
'''

EXAMPLES = r'''
- name: Install the Jama Connect OAuth client credential type
  jama.connect.controller_credential_type:
    name: Jama Connect OAuth client
    kind: cloud
    inputs:
      fields:
        - {id: client_id, label: Client ID, type: string}
        - {id: client_secret, label: Client secret, type: string, secret: true}
      required: [client_id, client_secret]
    injectors:
      extra_vars:
        oauth_connector_client_id: "{{ '{{ client_id }}' }}"
        oauth_connector_client_secret: "{{ '{{ client_secret }}' }}"
    controller:
      url: https://controller.example.com
      token: "{{ controller_token }}"

- name: Remove it again
  jama.connect.controller_credential_type:
    name: Jama Connect OAuth client
    state: absent
  # The controller connection from CONTROLLER_HOST and CONTROLLER_OAUTH_TOKEN (or _USERNAME/_PASSWORD)
'''

RETURN = r'''
credential_type:
  description: The credential type after the task (before it, for V(absent)); null when there is none.
  returned: always
  type: dict
  contains:
    id:
      description: The controller's id of the type.
      type: int
    name:
      description: Its name.
      type: str
    kind:
      description: Its kind.
      type: str
    url:
      description: Its API path on the controller.
      type: str
  sample: {id: 12, name: Jama Connect OAuth client, kind: cloud, url: /api/v2/credential_types/12/}
retries:
  description: Calls that were retried (throttled or a gateway error), with method, path and status.
  returned: always
  type: list
  elements: dict
  contains:
    method:
      description: HTTP method.
      type: str
    path:
      description: API path, without the query.
      type: str
    status:
      description: The status that caused the retry.
      type: int
    error:
      description: The transport error that caused it, if any.
      type: str
'''

import re

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.jama.connect.plugins.module_utils.connection import controller_argument_spec, controller_session
from ansible_collections.jama.connect.plugins.module_utils.controller_client import ControllerClient
from ansible_collections.jama.connect.plugins.module_utils.module_runner import execute

COMPARED = ('description', 'inputs', 'injectors')
ENV_NAME = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*$')
FILE_KEY = re.compile(r'^template(\.[A-Za-z_][A-Za-z0-9_]*)?$')


def definition_problems(inputs, injectors):
    """What the controller would refuse, found before any call (and in check mode)."""
    return input_problems(inputs) + [problem for kind, entries in injectors.items()
                                     for problem in injector_problems(kind, entries)]


def input_problems(inputs):
    problems = []
    fields = inputs.get('fields', [])
    well_formed = isinstance(fields, list) and all(
        isinstance(field, dict) and field.get('id') and field.get('label') for field in fields)
    if not well_formed:
        problems.append('inputs.fields must be a list of fields, each with an id and a label')
        fields = []
    for field in fields:
        if field.get('type', 'string') not in ('string', 'boolean'):
            problems.append('inputs field %s: type must be string or boolean' % field['id'])
    ids = set(field['id'] for field in fields)
    for required in inputs.get('required') or []:
        if required not in ids:
            problems.append('inputs.required names %s, which is not a field' % required)
    return problems


def injector_problems(kind, entries):
    if kind not in ('env', 'extra_vars', 'file'):
        return ['injectors may hold env, extra_vars and file, not %s' % kind]
    if not isinstance(entries, dict):
        return ['injectors.%s must be a mapping' % kind]
    problems = []
    for key in entries:
        if kind == 'env' and not ENV_NAME.match(key):
            problems.append('injectors.env: %s is not a valid environment variable name' % key)
        if kind == 'file' and not FILE_KEY.match(key):
            problems.append('injectors.file: %s must be named template or template.<name>' % key)
    return problems


def summary(ctype):
    if not ctype:
        return None
    return {'id': ctype.get('id'), 'name': ctype.get('name'), 'kind': ctype.get('kind'), 'url': ctype.get('url')}


def view(ctype):
    return dict((key, ctype.get(key)) for key in ('name', 'kind') + COMPARED) if ctype else {}


def normalized_inputs(inputs):
    """Inputs as the controller reads them: a field without a type is a string."""
    if not isinstance(inputs, dict):
        return inputs
    fields = [dict({'type': 'string'}, **field) if isinstance(field, dict) else field
              for field in inputs.get('fields') or []]
    return dict(inputs, fields=fields) if 'fields' in inputs else dict(inputs)


def run(module, session):
    client = ControllerClient(session, session.api_path)
    params = module.params
    current = client.credential_type(params['name'], params['kind'])
    wanted = {'name': params['name'], 'kind': params['kind'], 'description': params['description'],
              'inputs': params['inputs'], 'injectors': params['injectors']}
    for key in ('inputs', 'injectors'):
        if wanted[key] is None:
            wanted[key] = (current or {}).get(key) or {}
    result = {'changed': False, 'credential_type': summary(current)}
    if params['state'] == 'absent':
        if current:
            result.update(changed=True, diff={'before': view(current), 'after': {}})
            if not module.check_mode:
                client.delete_credential_type(current['id'])
        return result
    if current is None:
        result.update(changed=True, diff={'before': {}, 'after': view(wanted)})
        if not module.check_mode:
            result['credential_type'] = summary(client.create_credential_type(wanted))
        return result
    return update(module, client, current, wanted, result)


def update(module, client, current, wanted, result):
    """An existing type: change what differs, unless the controller manages it or credentials use its inputs."""
    same = {'description': lambda a, b: a == b, 'injectors': lambda a, b: a == b,
            'inputs': lambda a, b: normalized_inputs(a) == normalized_inputs(b)}
    changes = dict((key, wanted[key]) for key in COMPARED if not same[key](current.get(key), wanted[key]))
    if not changes:
        return result
    if current.get('managed'):
        module.fail_json(msg='%s is a credential type the controller manages itself; choose another name'
                         % wanted['name'])
    users = client.credentials_of_type(current['id']) if 'inputs' in changes else 0
    if users:
        module.fail_json(msg='The inputs of credential type %r differ from the controller\'s, but %d '
                             'credential(s) use it and the controller does not allow changing the inputs of a '
                             'type in use. Create the type under a new name and move the credentials to it, or '
                             'keep its inputs' % (wanted['name'], users), credential_type=summary(current))
    result.update(changed=True, diff={'before': view(current), 'after': dict(view(current), **changes)})
    if not module.check_mode:
        result['credential_type'] = summary(client.update_credential_type(current['id'], changes))
    return result


def main():
    spec = controller_argument_spec()
    spec.update(name={'type': 'str', 'required': True}, kind={'type': 'str', 'choices': ['cloud', 'net'], 'default': 'cloud'},
                description={'type': 'str', 'default': ''}, inputs={'type': 'dict'}, injectors={'type': 'dict'},
                state={'type': 'str', 'choices': ['present', 'absent'], 'default': 'present'})
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    if not module.params['name'].strip():
        module.fail_json(msg='name must not be empty: give the credential type\'s name')
    problems = definition_problems(module.params['inputs'] or {}, module.params['injectors'] or {})
    if problems:
        module.fail_json(msg='The credential type is not valid: %s' % '; '.join(problems))
    execute(module, lambda session: run(module, session), controller_session)


if __name__ == '__main__':
    main()
