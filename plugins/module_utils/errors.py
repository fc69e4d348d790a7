# -*- coding: utf-8 -*-
# Copyright: jama.connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed errors. Clients raise them; every module ends in one ``fail_json(**error.to_fail_json())``.

Each error carries the HTTP status, Jama's ``meta.message`` and a hint that names the fix. Messages are
built from URLs, statuses and server messages only: never from a request's credentials.

Each error also says, as data, what a workflow can do about it: ``reason``, a stable code (README, "Failure
reasons"), and ``heals_on_next_run``: True when running again later, with nothing changed by a person, is expected
to succeed (a throttled or unreachable server, a lost answer the next run resolves, another job's write); False when
a person must act first (an option, a permission, a licence, a lock). A result carries it as ``outcome``
(``heals_next_run`` or ``operator_must_act``; a run that succeeded is ``converged`` or ``changed``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

OUTCOMES = ('converged', 'changed', 'heals_next_run', 'operator_must_act')


def success_outcome(changed):
    """The outcome of a run that succeeded (or, in check mode, planned)."""
    return 'changed' if changed else 'converged'


class JamaConnectError(Exception):
    """Root of every error the collection raises on purpose. ``reason`` and ``heals`` override the class's."""

    hint = None
    reason = 'error'
    heals_on_next_run = False

    def __init__(self, message, status=None, server_message=None, hint=None, details=None, reason=None, heals=None):
        super(JamaConnectError, self).__init__(message)
        self.message = message
        self.status = status
        self.server_message = server_message
        if hint is not None:
            self.hint = hint
        if reason is not None:
            self.reason = reason
        self.details = details or {}
        if heals is not None:
            self.heals_on_next_run = bool(heals)
        elif self.details.get('answer_lost'):
            # The server may have acted: the write-ahead record (or a fresh read) lets the next run settle it.
            self.heals_on_next_run = True

    @property
    def outcome(self):
        return 'heals_next_run' if self.heals_on_next_run else 'operator_must_act'

    def to_fail_json(self):
        result = {'msg': self.message if not self.hint else '%s. Fix: %s' % (self.message.rstrip('.'), self.hint),
                  'reason': self.reason, 'heals_on_next_run': self.heals_on_next_run, 'outcome': self.outcome}
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

    reason = 'configuration'


class TransportError(JamaConnectError):
    """The server could not be reached or did not answer in time."""

    reason = 'unreachable'
    heals_on_next_run = True

    hint = ('check the URL, the network path and any proxy (HTTPS_PROXY / NO_PROXY), and that the service is '
            'running')


class TlsError(TransportError):
    reason = 'tls'
    heals_on_next_run = False
    hint = ("set ca_path to the CA bundle that signed the server's certificate (validate_certs=false turns "
            "verification off and is not recommended)")


class ApiError(JamaConnectError):
    """The server answered with an error status."""

    reason = 'api_error'


class AuthenticationError(ApiError):
    reason = 'authentication'
    hint = 'check the username and password, or the client id and secret, of the account the task uses'


class AccountLockedError(AuthenticationError):
    reason = 'account_locked'
    # Raised for a Basic login: the caller's own password logins are what lock accounts.
    hint = ('wait until the lock ends, or ask a Jama administrator to unlock the account; then use OAuth client '
            'credentials, whose failures never lock an account')
    # Raised for an OAuth client of a locked account: its OAuth use did not cause the lock.
    oauth_hint = ('wait until the lock ends, or ask a Jama administrator to unlock the account. OAuth failures never '
                  'lock an account: failed Basic logins by this user elsewhere did (a JCI connector or another '
                  'tool still on Basic authentication, or a person); move those to OAuth (jama.connect.migrate)')


class RestAccessError(AuthenticationError):
    reason = 'no_rest_access'
    hint = ('grant the user (or one of its groups) REST API access in Jama under Admin > Organization > '
            'REST API')


class LicenseError(AuthenticationError):
    reason = 'license'
    hint = 'assign the user a Named Creator license in Jama; REST API access needs one'


class TokenError(AuthenticationError):
    reason = 'credential_rejected'
    hint = ('check the client id and client secret; a lost secret cannot be recovered: create a new API '
            'credential with jama.connect.jama_api_credential')


class PermissionDeniedError(ApiError):
    reason = 'permission_denied'
    hint = 'use an account with the needed role (a Jama administrator, or a JCI user with the Admin role)'


class NotFoundError(ApiError):
    reason = 'not_found'


class ModelledPathMissing(NotFoundError):
    """A 404 on a path the project models (no public API exists for it): this server does not serve it."""

    reason = 'modelled_path_missing'


def modelled_path_missing(error, method, path, client_file, manual):
    """The 404 ``error`` on the modelled ``path``, said as what it is: the path is the project's model, the one
    file to adapt, and the manual path that works without it."""
    return ModelledPathMissing(
        '%s %s answered 404: that path is modelled (no public API exists for it; the project\'s contract is '
        'docs/api-contract.yaml), and this server does not serve it' % (method, path), status=404,
        server_message=error.server_message,
        hint='if the server has its own API for this, adapt %s (the one file that knows its paths); otherwise take '
             'the manual path: %s' % (client_file, manual))


class ConflictError(ApiError):
    # Another job or person changed it meanwhile: once they are done, a run starts from what is there.
    reason = 'conflict'
    heals_on_next_run = True


class CredentialLimitError(ApiError):
    reason = 'credential_limit'
    hint = ('Jama allows at most 20 API credentials per user: list them with '
            'jama.connect.jama_api_credential_info and remove unused ones with state=absent')


class ValidationError(ApiError):
    reason = 'invalid_request'


class RateLimitedError(ApiError):
    reason = 'rate_limited'
    heals_on_next_run = True
    hint = ('Jama allows 10 API calls per second per environment; run fewer tasks in parallel against this '
            'environment (forks, throttle) and try again')


class ServerError(ApiError):
    reason = 'server_error'
    heals_on_next_run = True
    hint = 'the server failed; try again later and check its logs'


# The error class of each HTTP error status that needs no reading of the server's message.
BY_STATUS = {403: PermissionDeniedError, 404: NotFoundError, 409: ConflictError, 429: RateLimitedError}


def classify(status, server_message):
    """The error class for an HTTP error status and the server's message."""
    text = (server_message or '').lower()
    if status == 401:
        return _unauthorized(text)
    if status in BY_STATUS:
        return BY_STATUS[status]
    if status >= 500:
        return ServerError
    if 'maximum of 20' in text or 'credential limit' in text:
        return CredentialLimitError
    return ValidationError


def _unauthorized(text):
    """Why Jama answered 401, from its message: a locked account, no REST access, no license, a refused client."""
    if 'locked' in text:
        return AccountLockedError
    if 'rest api' in text and 'not permitted' in text:
        return RestAccessError
    if 'license' in text or 'licence' in text:
        return LicenseError
    if 'client credentials' in text:
        return TokenError
    return AuthenticationError
