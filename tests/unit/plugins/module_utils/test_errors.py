from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.jama.connect.plugins.module_utils import errors


@pytest.mark.parametrize('status, message, expected, hint_part', [
    (401, 'The account jci_service is locked until 2026-11-28T12:00:00.000+0000', errors.AccountLockedError,
     'unlock'),
    (401, 'The user x is not permitted to use the REST API', errors.RestAccessError,
     'Admin > Organization > REST API'),
    (401, 'REST API access requires a Named Creator license; x has a FLOATING license', errors.LicenseError,
     'Named Creator'),
    (401, 'Bad client credentials', errors.TokenError, 'jama_api_credential'),
    (401, 'Bad credentials', errors.AuthenticationError, 'username and password'),
    (400, 'The user x already has the maximum of 20 API credentials', errors.CredentialLimitError,
     'jama_api_credential_info'),
    (403, 'Only an administrator may manage', errors.PermissionDeniedError, 'Admin role'),
    (429, 'Too many requests', errors.RateLimitedError, '10 API calls per second'),
    (503, None, errors.ServerError, 'try again later'),
])
def test_each_failure_maps_to_an_error_whose_hint_names_the_fix(status, message, expected, hint_part):
    error_class = errors.classify(status, message)
    assert error_class is expected
    assert hint_part in error_class('x', status=status, server_message=message).to_fail_json()['hint']


def test_fail_json_carries_status_server_message_and_hint():
    error = errors.AccountLockedError('GET /rest/v1/users/current answered 401', status=401,
                                      server_message='locked until later')
    result = error.to_fail_json()
    assert result['status'] == 401
    assert result['server_message'] == 'locked until later'
    assert result['msg'].startswith('GET /rest/v1/users/current answered 401. Fix: wait until the lock ends')


def test_tls_hint_names_ca_path():
    assert 'ca_path' in errors.TlsError('TLS verification failed').to_fail_json()['msg']


def test_configuration_error_has_no_hint_unless_given():
    assert errors.ConfigurationError('name must not be empty').to_fail_json() == {
        'msg': 'name must not be empty', 'reason': 'configuration', 'heals_on_next_run': False,
        'outcome': 'operator_must_act'}


# Typed outcomes: whether running again later, with nothing changed by a person, is expected to succeed.
@pytest.mark.parametrize('error, reason, heals', [
    (errors.ConfigurationError('x'), 'configuration', False),
    (errors.TransportError('x'), 'unreachable', True),
    (errors.TransportError('x', details={'answer_lost': True}), 'unreachable', True),
    (errors.TlsError('x'), 'tls', False),
    (errors.AuthenticationError('x'), 'authentication', False),
    (errors.AccountLockedError('x'), 'account_locked', False),
    (errors.RestAccessError('x'), 'no_rest_access', False),
    (errors.LicenseError('x'), 'license', False),
    (errors.TokenError('x'), 'credential_rejected', False),
    (errors.PermissionDeniedError('x'), 'permission_denied', False),
    (errors.NotFoundError('x'), 'not_found', False),
    (errors.ConflictError('x'), 'conflict', True),
    (errors.CredentialLimitError('x'), 'credential_limit', False),
    (errors.ValidationError('x'), 'invalid_request', False),
    (errors.RateLimitedError('x'), 'rate_limited', True),
    (errors.ServerError('x'), 'server_error', True),
    (errors.ServerError('x', details={'answer_lost': True}), 'server_error', True),
    (errors.ValidationError('x', details={'answer_lost': True}), 'invalid_request', True),
    (errors.JamaConnectError('x', reason='answer_lost', heals=True), 'answer_lost', True),
    (errors.ServerError('x', reason='store_write_failed', heals=False), 'store_write_failed', False),
])
def test_every_error_says_its_reason_and_whether_the_next_run_heals_it(error, reason, heals):
    failed = error.to_fail_json()
    assert (failed['reason'], failed['heals_on_next_run']) == (reason, heals)
    assert failed['outcome'] == ('heals_next_run' if heals else 'operator_must_act')
    assert failed['outcome'] in errors.OUTCOMES


@pytest.mark.parametrize('changed, outcome', [(True, 'changed'), (False, 'converged'), (None, 'converged')])
def test_a_run_that_succeeded_is_converged_or_changed(changed, outcome):
    assert errors.success_outcome(changed) == outcome


def test_the_lockout_hint_is_worded_for_how_the_caller_logged_in(emulator):
    from ansible_collections.jama.connect.plugins.module_utils.http_session import ApiSession, TokenProvider
    from ansible_collections.jama.connect.plugins.module_utils.jama_client import JamaClient
    from jamaemu.accounts import SERVICE  # pylint: disable=import-error
    created = emulator.jama('POST', '/rest/v1/users/current/apicredentials', auth=SERVICE,
                            json={'name': 'lock-hint'}).json()['data']
    emulator.admin('POST', '/users/jci_service/lock')
    basic = ApiSession(emulator.jama_url, auth=SERVICE, ca_path=emulator.ca_file)
    oauth = ApiSession(emulator.jama_url, ca_path=emulator.ca_file,
                       auth=TokenProvider(client_id=created['clientId'], client_secret=created['clientSecret']))
    hints = []
    for session in (basic, oauth):
        with pytest.raises(errors.AccountLockedError) as raised:
            JamaClient(session).current_user()
        hints.append(raised.value.hint)
    assert 'then use OAuth client credentials' in hints[0]
    assert 'then use OAuth' not in hints[1] and 'failed Basic logins by this user elsewhere' in hints[1]
