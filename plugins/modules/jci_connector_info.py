#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: jci_connector_info
short_description: Read JCI connectors, their last test and their recent logs
version_added: 0.1.0
description:
  - Returns each Jama Connect connector in JCI with its authentication type, whether its secrets are set, the
    status and time of its last test, and its recent log entries.
  - Use O(log_category=authentication) to watch for authentication errors, as Jama's article asks after
    switching a connector to OAuth.
  - JCI publishes no HTTP API; the calls follow the collection's modelled contract.
author:
  - jama.connect maintainers (@jama-connect)
extends_documentation_fragment:
  - jama.connect.connection.JCI
  - jama.connect.attributes.JCI_READ
options:
  name:
    description:
      - Only the connector with exactly this name.
    type: str
  logs:
    description:
      - How many of each connector's most recent log entries to return. V(0) reads no logs.
    type: int
    default: 20
  log_category:
    description:
      - Only log entries of this category.
    type: str
    choices: [test, authentication, tls, connection, availability]
  logs_since_id:
    description:
      - Only log entries newer than this log entry id, for example the last id a previous run saw.
    type: int
seealso:
  - module: jama.connect.jci_connector
  - module: jama.connect.jci_connector_check
'''

EXAMPLES = r'''
- name: Look for authentication errors in the connector's log
  jama.connect.jci_connector_info:
    name: Jama Connect (prod)
    log_category: authentication
  register: info

- name: Fail if there are any
  ansible.builtin.assert:
    that: info.connectors[0].logs | length == 0
    fail_msg: "{{ info.connectors[0].logs | map(attribute='message') | list }}"
'''

RETURN = r'''
connectors:
  description: The connectors, with secrets reported only as set or not set.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Connector name.
      type: str
    authentication_type:
      description: V(oauth) or V(basic).
      type: str
    client_id:
      description: Client ID for OAuth connectors.
      type: str
    client_secret_set:
      description: Whether a client secret is stored.
      type: bool
    password_set:
      description: Whether a Basic password is stored.
      type: bool
    last_test:
      description: Status (V(passed) or V(failed)), time, user, latency and message of the last test, or null.
      type: dict
      contains:
        status: {description: C(passed) or C(failed)., type: str, returned: success}
        time: {description: When it ran., type: str, returned: success}
        user: {description: The Jama user it authenticated as., type: str, returned: success}
        latency_ms: {description: "How long JCI's call to Jama took.", type: int, returned: success}
        message: {description: "JCI's message.", type: str, returned: success}
    logs:
      description: The most recent log entries (id, timestamp, level, category, message), oldest first.
      type: list
      elements: dict
      contains:
        id: {description: "The entry's id.", type: int, returned: success}
        timestamp: {description: "When it was written.", type: str, returned: success}
        level: {description: "C(INFO) or C(ERROR).", type: str, returned: success}
        category: {description: "The kind, for example C(authentication).", type: str, returned: success}
        message: {description: "The text.", type: str, returned: success}
    authentication_errors:
      description: How many of the returned log entries are authentication errors.
      type: int
  sample: [{name: Jama Connect (prod), authentication_type: oauth, client_id: 4f1c0a9d2b7e43a1b8c5d6e7,
            client_secret_set: true, password_set: false, last_test: {status: passed}, logs: [],
            authentication_errors: 0}]
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

from ansible_collections.jama.connect.plugins.module_utils.connection import jci_argument_spec, jci_session
from ansible_collections.jama.connect.plugins.module_utils.connectors import connector_view, log_view
from ansible_collections.jama.connect.plugins.module_utils.jci_client import JciClient
from ansible_collections.jama.connect.plugins.module_utils.module_runner import execute


def describe(client, connector, params):
    view = connector_view(connector)
    entries = []
    if params['logs'] > 0:
        entries = client.connector_logs(connector['id'], params['log_category'], params['logs_since_id'])
        entries = [log_view(entry) for entry in entries[-params['logs']:]]
    view['logs'] = entries
    view['authentication_errors'] = len([entry for entry in entries if entry['category'] == 'authentication'])
    return view


def run(module, session):
    client = JciClient(session)
    connectors = client.list_connectors(module.params['name'])
    return {'changed': False, 'connectors': [describe(client, conn, module.params) for conn in connectors]}


def main():
    spec = jci_argument_spec()
    spec.update(name={'type': 'str'}, logs={'type': 'int', 'default': 20},
                log_category={'type': 'str',
                              'choices': ['test', 'authentication', 'tls', 'connection', 'availability']},
                logs_since_id={'type': 'int'})
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    if module.params['logs'] < 0:
        module.fail_json(msg='logs must be 0 or more: the number of recent log entries to return')
    execute(module, lambda session: run(module, session), jci_session)


if __name__ == '__main__':
    main()
