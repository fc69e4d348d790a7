# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every call the collection makes to Jama Connect. The only code that knows Jama's paths.

Documented by Jama: the token endpoint, ``users/current``, ``users``, the envelope and paging.
Modelled (no public API exists): API-credential management under ``users/{current|id}/apicredentials``.
Adapting to a real credential endpoint is a change to this file only.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.module_utils.paging import fetch_all

API = '/rest/v1'
CLIENT_FILE = 'plugins/module_utils/jama_client.py'
# Where Jama has no credential API: Step 1 of Jama's article by hand, then the collection takes over.
MANUAL = ("create the credential in Jama's UI (My Profile > Set API Credentials, logged in as the JCI service user) "
          "and run jama.connect.adopt with its client ID and secret")


def _data(body):
    return body.get('data') if isinstance(body, dict) else None


class JamaClient:
    def __init__(self, session):
        self.session = session

    def paged(self, path, params=None):
        return fetch_all(self.session, path, params)

    # --- documented ---------------------------------------------------------------------------
    def current_user(self):
        return _data(self.session.request('GET', API + '/users/current'))

    def find_user(self, username):
        users = [user for user in self.paged(API + '/users', {'username': username})
                 if user.get('username') == username]
        if not users:
            raise errors.NotFoundError('No Jama user named %r' % username, status=404)
        return users[0]

    # --- modelled: API credentials ---------------------------------------------------------------
    @staticmethod
    def _owner(user_id):
        return 'current' if user_id is None else str(int(user_id))

    def list_credentials(self, user_id=None, name=None):
        params = {'name': name} if name is not None else None
        path = '%s/users/%s/apicredentials' % (API, self._owner(user_id))
        try:
            return self.paged(path, params)
        except errors.NotFoundError as error:
            raise errors.modelled_path_missing(error, 'GET', path, CLIENT_FILE, MANUAL)

    def find_credential(self, name, user_id=None):
        for cred in self.list_credentials(user_id, name):
            if cred.get('name') == name:
                return cred
        return None

    def create_credential(self, name, description=None, user_id=None):
        """Create a credential; the answer is the only time Jama shows ``clientSecret``."""
        body = {'name': name}
        if description is not None:
            body['description'] = description
        path = '%s/users/%s/apicredentials' % (API, self._owner(user_id))
        try:
            return _data(self.session.request('POST', path, json=body, expect=(201,)))
        except errors.NotFoundError as error:
            raise errors.modelled_path_missing(error, 'POST', path, CLIENT_FILE, MANUAL)

    def delete_credential(self, credential_id, user_id=None):
        self.session.request('DELETE', '%s/users/%s/apicredentials/%d'
                             % (API, self._owner(user_id), int(credential_id)), expect=(204,))
