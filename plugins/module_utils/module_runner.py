# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one place where a module's work is run and its errors become ``fail_json``."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.module_utils.http_session import HAS_REQUESTS, REQUESTS_IMPORT_ERROR


def execute(module, work, *session_factories):
    """Open one session per factory, call ``work(*sessions)`` for the result dict, close the sessions, exit.

    ``fail_json`` is called outside the ``except`` block on purpose: inside it, ansible-core attaches a
    traceback at -vvv, and a bad input must get a clear message, not a traceback.
    """
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
    sessions = []
    failure = None
    result = None
    try:
        for factory in session_factories:
            sessions.append(factory(module.params))
        result = work(*sessions)
    except errors.JamaConnectError as error:
        failure = error
    finally:
        for session in sessions:
            session.close()
    retries = [entry for session in sessions for entry in session.retries]
    if failure is not None:
        module.fail_json(retries=retries, **failure.to_fail_json())
    result['retries'] = retries
    result['outcome'] = errors.success_outcome(result.get('changed'))
    module.exit_json(**result)
