# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading Jama and JCI: the connector, the connectors of this JCI, the service user's credentials. Only GETs;
the calls that act, and those that move what Jama records (a token request), are in apply.py."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
from email.utils import parsedate_to_datetime

from ansible_collections.jama.connect.plugins.module_utils import errors


class Observer:
    """``jci``: a JciClient. ``admin_factory``: a callable returning a JamaClient logged in as a Jama administrator,
    or raising ConfigurationError when none is configured."""

    def __init__(self, settings, jci, admin_factory, admin_configured=True, quiet=False):
        self.s = settings
        self.jci = jci
        self._admin_factory = admin_factory
        self._admin = None
        self.user_id = None
        self.admin_configured = admin_configured
        # The service user's credentials as last listed; apply.py forgets them after each create or delete.
        self._listed = None
        # quiet: a check-mode run whose administrator logs in with an API client (a token request is a POST), so
        # the lifecycle's listing is left out unless the run logged in anyway. Why the list is missing, if it is.
        self.quiet = quiet
        self.list_error = None
        # Another source of Jama's Date this run has (engine.py: the verifier's credential checks), for a run without
        # an administrator.
        self.other_date = lambda: None

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
        if self._listed is None:
            self._listed = self.admin().list_credentials(self.user_id)
        return list(self._listed)

    def forget(self):
        """Jama's credentials changed (a create or a delete): the next look lists them again."""
        self._listed = None

    def deleted(self, credential_id):
        """Jama confirmed deleting this credential: the list stays true without another call."""
        if self._listed is not None:
            self._listed = [cred for cred in self._listed if cred.get('id') != credential_id]

    def seen(self):
        """The credentials as this run last listed them, without a call; None if it did not."""
        return list(self._listed) if self._listed is not None else None

    def listed(self):
        """The service user's credentials for the lifecycle (status, orphans, rotation when due), or None when this
        run cannot or may not list them (``list_error`` says why): a failed listing is reported, and never fails a
        run that did its work."""
        if not self.admin_configured:
            self.list_error = "the service user's credentials were not listed (no Jama administrator given)"
        elif self.quiet and self._admin is None:
            self.list_error = ("the service user's credentials were not listed (%s requests no token for the "
                               "administrator's API client)" % ('the report' if self.s.flow == 'report' else 'check mode'))
        if self.list_error is not None:
            return None
        try:
            return self.credentials()
        except errors.JamaConnectError as error:
            self.list_error = "listing the service user's credentials failed: %s" % error.message
            return None

    def now(self):
        """Jama's current time, from the Date of its last answer to this run (the administrator's, else a credential
        check's: Jama dated the credentials this run ages, and a controller's clock may be off), or this machine's
        clock before any answer."""
        date = getattr(getattr(self._admin, 'session', None), 'server_date', None) or self.other_date()
        if date:
            try:
                moment = parsedate_to_datetime(date)
                # RFC 7231 dates are GMT; one without a zone (-0000, asctime) is too, not this machine's local time.
                if moment.tzinfo is None:
                    moment = moment.replace(tzinfo=datetime.timezone.utc)
                return moment.astimezone(datetime.timezone.utc)
            except (TypeError, ValueError):
                pass
        return datetime.datetime.now(datetime.timezone.utc)

    def credential_id(self, cred):
        """Jama's id of the credential with ``cred``'s client ID (deleting needs it)."""
        for listed in self.credentials():
            if listed.get('clientId') == cred.client_id:
                return listed['id']
        raise errors.NotFoundError('Jama has no credential with client ID %s' % cred.client_id, status=404)
