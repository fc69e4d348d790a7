# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one answer to "does this API credential work against Jama": a token for it, then ``users/current`` with
that token, both documented by Jama. Used by the module jama_oauth_check, the credential hand-off of
jama_api_credential and the oauth_connector role's engine. A failure raises the client's typed error
(TokenError for a wrong client or secret, LicenseError, RestAccessError, AccountLockedError, ...)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.jama.connect.plugins.module_utils.http_session import ApiSession, TokenProvider
from ansible_collections.jama.connect.plugins.module_utils.jama_client import JamaClient


def credential_session(url, client_id, client_secret, validate_certs=True, ca_path=None, timeout=30):
    """A session that authenticates as the credential itself (nothing else of a connection's login)."""
    return ApiSession(url, auth=TokenProvider(client_id=client_id, client_secret=client_secret),
                      validate_certs=validate_certs, ca_path=ca_path, timeout=timeout)


def check_credential(session):
    """Token and ``users/current`` through ``session`` (whose auth is a TokenProvider): the user, its licence type,
    the token's lifetime and type, and the ``Date`` of Jama's answer (``jama_date``: Jama's clock)."""
    provider = session.auth
    provider.token(session)
    user = JamaClient(session).current_user() or {}
    return {'user': user, 'license_type': user.get('licenseType'), 'expires_in': provider.expires_in,
            'token_type': provider.token_type, 'jama_date': session.server_date}
