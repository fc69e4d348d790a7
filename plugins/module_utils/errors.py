# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed errors. Clients raise them; every module ends in one ``fail_json(**error.to_fail_json())``.

Each error carries the HTTP status, Jama's ``meta.message`` and a hint that names the fix. Messages are
built from URLs, statuses and server messages only: never from a request's credentials.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class JamaConnectError(Exception):
    """Root of every error the collection raises on purpose."""

    hint = None

    def __init__(self, message, status=None, server_message=None, hint=None, details=None):
        super(JamaConnectError, self).__init__(message)
        self.message = message
        self.status = status
        self.server_message = server_message
        if hint is not None:
            self.hint = hint
        self.details = details or {}

    def to_fail_json(self):
        result = {'msg': self.message if not self.hint else '%s. Fix: %s' % (self.message.rstrip('.'), self.hint)}
        if self.status is not None:
            result['status'] = self.status
        if self.server_message:
            result['server_message'] = self.server_message
        if self.hint:
            result['hint'] = self.hint
        result.update(self.details)
        return result


class ConfigurationError(JamaConnectError):
    """Bad or missing options, found before anything is sent."""


class TransportError(JamaConnectError):
    """The server could not be reached or did not answer in time."""

    hint = ('check the URL, the network path and any proxy (HTTPS_PROXY / NO_PROXY), and that the service is '
            'running')


class TlsError(TransportError):
    hint = ("set ca_path to the CA bundle that signed the server's certificate (validate_certs=false turns "
            "verification off and is not recommended)")


class ApiError(JamaConnectError):
    """The server answered with an error status."""


class AuthenticationError(ApiError):
    hint = 'check the username and password, or the client id and secret, of the account the task uses'


class AccountLockedError(AuthenticationError):
    # Raised for a Basic login: the caller's own password logins are what lock accounts.
    hint = ('wait until the lock ends, or ask a Jama administrator to unlock the account; then use OAuth client '
            'credentials, whose failures never lock an account')
    # Raised for an OAuth client of a locked account: its OAuth use did not cause the lock.
    oauth_hint = ('wait until the lock ends, or ask a Jama administrator to unlock the account. OAuth failures never '
                  'lock an account: failed Basic logins by this user elsewhere did (a JCI connector or another '
                  'tool still on Basic authentication, or a person); move those to OAuth (jama.connect.migrate)')


class RestAccessError(AuthenticationError):
    hint = ('grant the user (or one of its groups) REST API access in Jama under Admin > Organization > '
            'REST API')


class LicenseError(AuthenticationError):
    hint = 'assign the user a Named Creator license in Jama; REST API access needs one'


class TokenError(AuthenticationError):
    hint = ('check the client id and client secret; a lost secret cannot be recovered: create a new API '
            'credential with jama.connect.jama_api_credential')


class PermissionDeniedError(ApiError):
    hint = 'use an account with the needed role (a Jama administrator, or a JCI user with the Admin role)'


class NotFoundError(ApiError):
    pass


class ConflictError(ApiError):
    pass


class CredentialLimitError(ApiError):
    hint = ('Jama allows at most 20 API credentials per user: list them with '
            'jama.connect.jama_api_credential_info and remove unused ones with state=absent')


class ValidationError(ApiError):
    pass


class RateLimitedError(ApiError):
    hint = ('Jama allows 10 API calls per second per environment; run fewer tasks in parallel against this '
            'environment (forks, throttle) and try again')


class ServerError(ApiError):
    hint = 'the server failed; try again later and check its logs'


def classify(status, server_message):
    """The error class for an HTTP error status and the server's message."""
    text = (server_message or '').lower()
    if status == 401:
        if 'locked' in text:
            return AccountLockedError
        if 'rest api' in text and 'not permitted' in text:
            return RestAccessError
        if 'license' in text or 'licence' in text:
            return LicenseError
        if 'client credentials' in text:
            return TokenError
        return AuthenticationError
    if status == 403:
        return PermissionDeniedError
    if status == 404:
        return NotFoundError
    if status == 409:
        return ConflictError
    if status == 429:
        return RateLimitedError
    if status >= 500:
        return ServerError
    if 'maximum of 20' in text or 'credential limit' in text:
        return CredentialLimitError
    return ValidationError
