# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every call the collection makes to an automation controller (AWX / Red Hat Ansible Automation Platform).
The only code that knows the controller's API.

[DOC] AWX's published REST API v2: credential types and credentials under the API path (``/api/v2/``, or
``/api/controller/v2/`` behind the Automation Platform 2.5 gateway), lists paged as count/next/previous/results,
secret inputs answered as ``$encrypted$``, HTTP Basic or a bearer token. The emulator's version of it is judged by
AWX's own client, awxkit.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.jama.connect.plugins.module_utils import errors

ENCRYPTED = '$encrypted$'
PAGE_SIZE = 200  # the controller's largest page
MAX_PAGES = 100  # a guard against a server whose "next" never ends


class ControllerClient:
    def __init__(self, session, api_path='/api/v2/'):
        self.session = session
        self.api = '/' + api_path.strip('/') + '/'

    def paged(self, resource, params=None):
        """Every item of a list, following ``next``."""
        items = []
        path = self.api + resource + '/'
        query = dict(params or {}, page_size=PAGE_SIZE)
        for _page in range(MAX_PAGES):
            body = self.session.request('GET', path, params=query) or {}
            items.extend(body.get('results') or [])
            following = body.get('next')
            if not following:
                return items
            # "next" is a path with its own query (page=2 and the filters).
            path, query = following, None
        raise errors.ApiError('%s%s/ returned more than %d pages; stopped' % (self.api, resource, MAX_PAGES))

    def _one(self, resource, **filters):
        found = self.paged(resource, filters)
        if len(found) > 1:
            raise errors.ApiError('%d %s match %s on the controller; expected at most one'
                                  % (len(found), resource, ', '.join('%s=%s' % item for item in sorted(filters.items()))))
        return found[0] if found else None

    # --- credential types ------------------------------------------------------------------------
    def credential_type(self, name, kind):
        return self._one('credential_types', name=name, kind=kind)

    def create_credential_type(self, body):
        return self.session.request('POST', self.api + 'credential_types/', json=body, expect=(201,))

    def update_credential_type(self, type_id, changes):
        return self.session.request('PATCH', '%scredential_types/%d/' % (self.api, type_id), json=changes)

    def credentials_of_type(self, type_id):
        """How many credentials use the type (one small page: the count is all that is needed)."""
        body = self.session.request('GET', '%scredential_types/%d/credentials/' % (self.api, type_id),
                                    params={'page_size': 1}) or {}
        return int(body.get('count') or 0)

    def delete_credential_type(self, type_id):
        self.session.request('DELETE', '%scredential_types/%d/' % (self.api, type_id), expect=(204,))

    # --- organisations and credentials ---------------------------------------------------------------
    def organization(self, name):
        found = self._one('organizations', name=name)
        if found is None:
            raise errors.ConfigurationError('the controller has no organization named %r' % name)
        return found

    def credential(self, name, type_id, organization_id):
        return self._one('credentials', name=name, credential_type=type_id, organization=organization_id)

    def create_credential(self, body):
        return self.session.request('POST', self.api + 'credentials/', json=body, expect=(201,))

    def update_credential(self, credential_id, changes):
        """A PATCH of ``inputs`` replaces all of them: send every input (``$encrypted$`` keeps a stored secret)."""
        return self.session.request('PATCH', '%scredentials/%d/' % (self.api, credential_id), json=changes)

    def delete_credential(self, credential_id):
        self.session.request('DELETE', '%scredentials/%d/' % (self.api, credential_id), expect=(204,))
