#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: jci_connector_check
short_description: Test a JCI connector's connection to Jama Connect, as JCI's Test button does
version_added: 0.1.0
description:
  - Runs JCI's own test of the connector, in which JCI really calls Jama Connect (for OAuth, a token request
    and C(users/current)), and returns the outcome, the Jama user it authenticated as, the latency and the log
    lines the test wrote.
  - Jama's article asks to test the connector right after saving it. This module never reports a change.
  - A failed test fails the task with a message that names the cause and the fix (wrong secret, locked
    account, license, REST API access, TLS, unreachable), unless O(fail_on_failure=false).
  - A Basic connector's failed test counts towards Jama's lockout of the service account; the module runs the
    test once and never repeats it.
  - JCI publishes no HTTP API; the calls follow the collection's modelled contract.
  - In check mode it runs no test (a POST, which JCI records and logs); it reports JCI's last recorded test of the
    connector (RV(run) is false), and fails the task when that test failed, unless O(fail_on_failure=false).
author:
  - jama.connect maintainers (@jama-connect)
extends_documentation_fragment:
  - jama.connect.connection.JCI
  - jama.connect.attributes.JCI_READ
attributes:
  check_mode:
    details: In check mode it runs no test (a POST JCI records and logs); it reports JCI's last recorded test.
options:
  name:
    description:
      - Name of the connector to test.
    type: str
    required: true
  fail_on_failure:
    description:
      - Fail the task when the test fails. With V(false), report the outcome in RV(success) and succeed.
    type: bool
    default: true
notes:
  - In check mode the test still runs, because it changes nothing in JCI's configuration.
seealso:
  - module: jama.connect.jci_connector
  - module: jama.connect.jama_oauth_check
'''

EXAMPLES = r'''
- name: Test the connector right after saving it
  jama.connect.jci_connector_check:
    name: Jama Connect (prod)
  register: test

- name: Show who JCI authenticated as
  ansible.builtin.debug:
    msg: "JCI reached Jama as {{ test.user.username }} in {{ test.latency_ms }} ms"
'''

RETURN = r'''
run:
  description: Whether the test ran now; false in check mode, which reports JCI's last recorded test.
  returned: always
  type: bool
recorded_at:
  description: In check mode, when JCI recorded the test reported (null when it has none).
  returned: in check mode
  type: str
success:
  description: Whether the test passed (in check mode, the last recorded one; null when there is none).
  returned: always
  type: bool
user:
  description: The Jama user JCI authenticated as (id, username, licenseType), or null.
  returned: always
  type: dict
  contains:
    id: {description: "The user's id.", type: int, returned: success}
    username: {description: The username., type: str, returned: success}
    licenseType: {description: "The licence type (C(NAMED) is Named Creator).", type: str, returned: success}
  sample: {id: 2, username: jci_service, licenseType: NAMED}
latency_ms:
  description: How long the test took, in milliseconds.
  returned: always
  type: int
category:
  description: The kind of failure (authentication, tls, connection, availability), or null.
  returned: always
  type: str
message:
  description: JCI's one-line outcome.
  returned: always
  type: str
log_lines:
  description: The connector log entries the test wrote.
  returned: always
  type: list
  elements: dict
  contains:
    id: {description: "The entry's id.", type: int, returned: success}
    timestamp: {description: "When it was written.", type: str, returned: success}
    level: {description: "C(INFO) or C(ERROR).", type: str, returned: success}
    category: {description: "The kind, for example C(authentication).", type: str, returned: success}
    message: {description: "The text.", type: str, returned: success}
hint:
  description: What to do about a failure.
  returned: when the test failed
  type: str
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.module_utils.connection import jci_argument_spec, jci_session
from ansible_collections.jama.connect.plugins.module_utils.connectors import log_view, failure_hint
from ansible_collections.jama.connect.plugins.module_utils.jci_client import JciClient
from ansible_collections.jama.connect.plugins.module_utils.module_runner import execute


class ConnectorTestFailed(errors.JamaConnectError):
    pass


def run(module, session):
    client = JciClient(session)
    connector = client.find_connector(module.params['name'])
    if connector is None:
        raise errors.NotFoundError('No JCI connector named %r' % module.params['name'],
                                   hint='create it with jama.connect.jci_connector, or check the name')
    if module.check_mode:
        return recorded(connector, module.params['fail_on_failure'])
    outcome = client.test_connector(connector['id'])
    result = {'changed': False, 'success': bool(outcome.get('success')), 'user': outcome.get('user'),
              'latency_ms': outcome.get('latencyMs'), 'category': outcome.get('category'),
              'message': outcome.get('message'), 'run': True,
              'log_lines': [log_view(entry) for entry in outcome.get('logEntries') or []]}
    if not result['success']:
        result['hint'] = failure_hint(outcome)
        if module.params['fail_on_failure']:
            details = dict(result)
            details.pop('changed')
            message = 'The JCI connector %s failed its test: %s' % (connector['name'], result['message'])
            raise ConnectorTestFailed(message, hint=result['hint'], details=details)
    return result


def recorded(connector, fail_on_failure):
    """Check mode runs no test (a POST, which JCI records and logs, and whose failure with Basic counts towards the
    lockout): JCI's last recorded test of the connector, as it is. It fails the task like a test would when that
    test failed."""
    last = connector.get('lastTest') or {}
    result = {'changed': False, 'run': False, 'success': last.get('status') == 'passed' if last else None,
              'user': {'username': last['user']} if last.get('user') else None, 'latency_ms': last.get('latencyMs'),
              'category': None, 'message': last.get('message') or 'JCI has no recorded test of this connector',
              'recorded_at': last.get('time'), 'log_lines': []}
    if result['success'] is False and fail_on_failure:
        details = dict(result)
        details.pop('changed')
        raise ConnectorTestFailed('The JCI connector %s failed its last recorded test (check mode runs none): %s'
                                  % (connector['name'], result['message']), details=details)
    return result


def main():
    spec = jci_argument_spec()
    spec.update(name={'type': 'str', 'required': True}, fail_on_failure={'type': 'bool', 'default': True})
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    execute(module, lambda session: run(module, session), jci_session)


if __name__ == '__main__':
    main()
