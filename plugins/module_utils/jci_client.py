# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every call the collection makes to Jama Connect Interchange (JCI). The only code that knows JCI's API.

[MODEL] JCI documents no HTTP API. These calls follow the project's contract (docs/api-contract.yaml):
connectors with write-only secrets, a connector test that really calls Jama, connector logs, integrations.
Adapting to a real JCI API is a change to this file only.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.module_utils.http_session import (
    RETRY_STATUSES, jittered, throttle_waits)
from ansible_collections.jama.connect.plugins.module_utils.paging import fetch_all

API = '/api/v1'
CLIENT_FILE = 'plugins/module_utils/jci_client.py'
# Step 2 of Jama's article by hand, with the credential the collection keeps in the store.
MANUAL = ('add the "Jama Connect" connector in JCI\'s UI with Authentication Type OAuth and the client ID and secret '
          'from the store, save it and test it there')
APPLICATION = 'jama_connect'


class JciClient:
    def __init__(self, session):
        self.session = session

    def paged(self, path, params=None):
        return fetch_all(self.session, path, params)

    def list_connectors(self, name=None):
        try:
            return self.paged(API + '/connectors', {'name': name} if name is not None else None)
        except errors.NotFoundError as error:
            raise errors.modelled_path_missing(error, 'GET', API + '/connectors', CLIENT_FILE, MANUAL)

    def find_connector(self, name):
        for connector in self.list_connectors(name):
            if connector.get('name') == name:
                return connector
        return None

    def create_connector(self, fields):
        body = dict(fields, application=APPLICATION)
        return self.session.request('POST', API + '/connectors', json=body, expect=(201,))['data']

    def update_connector(self, connector_id, fields):
        return self.session.request('PATCH', '%s/connectors/%d' % (API, connector_id), json=fields)['data']

    def delete_connector(self, connector_id, force=False):
        params = {'force': 'true'} if force else None
        self.session.request('DELETE', '%s/connectors/%d' % (API, connector_id), params=params, expect=(204,))

    def test_connector(self, connector_id, sleep=time.sleep):
        """Run JCI's connectivity test. JCI answers 200 whenever the test ran; ``success`` says how it went.

        A test that failed only because Jama throttled JCI (429) or failed (5xx) says nothing about the connector:
        it is run again with Jama's backoff, as the session retries our own throttled calls (JCI keeps its token,
        so the test run again asks Jama for one call)."""
        path = '%s/connectors/%d/test' % (API, connector_id)
        for wait in throttle_waits() + (None,):
            outcome = self.session.request('POST', path)['data']
            status = relayed(outcome)
            if outcome.get('success') or status is None or wait is None:
                return outcome
            self.session.retries.append({'method': 'POST', 'path': path, 'status': status,
                                         'error': 'the connector test found Jama answering %d to JCI' % status})
            sleep(jittered(wait))
        return outcome

    def connector_logs(self, connector_id, category=None, since_id=None):
        params = {}
        if category:
            params['category'] = category
        if since_id:
            params['sinceId'] = since_id
        return self.paged('%s/connectors/%d/logs' % (API, connector_id), params)


def relayed(outcome):
    """[MODEL] The status Jama answered JCI when a failed test failed only for that, else None: a status the
    collection's own calls retry (429, and 502-504 from a proxy or a restarting node) makes the test worth running
    again."""
    status = outcome.get('jamaStatus')
    return status if not outcome.get('success') and status in RETRY_STATUSES else None
