# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading Jama and JCI: the connector, the connectors of this JCI, the service user's credentials. Only GETs;
the calls that act, and those that move what Jama records (a token request), are in apply.py."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.jama.connect.plugins.module_utils import errors


class Observer:
    """``jci``: a JciClient. ``admin_factory``: a callable returning a JamaClient logged in as a Jama administrator,
    or raising ConfigurationError when none is configured."""

    def __init__(self, settings, jci, admin_factory, admin_configured=True):
        self.s = settings
        self.jci = jci
        self._admin_factory = admin_factory
        self._admin = None
        self.user_id = None
        self.admin_configured = admin_configured

    def admin(self):
        if self._admin is None:
            admin = self._admin_factory()
            # Assigned only once the service user is known: without its id, calls would address the
            # administrator's own credentials.
            self.user_id = admin.find_user(self.s.service_user)['id']
            self._admin = admin
        return self._admin

    def connector(self):
        return self.jci.find_connector(self.s.connector_name)

    def connectors(self):
        return self.jci.list_connectors()

    def credentials(self):
        return self.admin().list_credentials(self.user_id)

    def credential_id(self, cred):
        """Jama's id of the credential with ``cred``'s client ID (deleting needs it)."""
        for listed in self.credentials():
            if listed.get('clientId') == cred.client_id:
                return listed['id']
        raise errors.NotFoundError('Jama has no credential with client ID %s' % cred.client_id, status=404)
