from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

import pytest
from urllib3.exceptions import MaxRetryError, NewConnectionError
from urllib3.util.retry import RequestHistory

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.module_utils.http_session import (
    BACKOFF_SECONDS, ApiSession, retry_policy)

from jamaemu.accounts import SERVICE  # pylint: disable=import-error


def _entry(status):
    return RequestHistory('GET', '/x', None, status, None)


def test_backoff_follows_jamas_schedule_3_5_8_13():
    policy = retry_policy()
    waits = []
    for _attempt in range(4):
        policy = policy.new(history=policy.history + (_entry(429),))
        waits.append(policy.get_backoff_time())
    assert tuple(waits) == BACKOFF_SECONDS == (3, 5, 8, 13)


def test_429_is_retried_for_every_method():
    policy = retry_policy()
    assert policy.is_retry('POST', 429)
    assert policy.is_retry('PATCH', 429)


def test_gateway_errors_are_retried_only_for_idempotent_methods():
    policy = retry_policy()
    assert policy.is_retry('GET', 503)
    assert policy.is_retry('DELETE', 502)
    assert not policy.is_retry('POST', 503)


@pytest.mark.parametrize('status', [400, 401, 403, 404, 409, 500])
def test_authentication_and_client_errors_are_never_retried(status):
    assert not retry_policy().is_retry('GET', status)


def test_retries_are_bounded():
    policy = retry_policy(max_retries=4)
    for _attempt in range(4):
        policy = policy.increment('GET', '/x', response=_Response(429))
    with pytest.raises(MaxRetryError):
        policy.increment('GET', '/x', response=_Response(429))


def test_connection_failures_back_off_briefly():
    policy = retry_policy()
    error = NewConnectionError(None, 'refused')
    policy = policy.increment('GET', '/x', error=error)
    assert policy.get_backoff_time() == 1
    policy = policy.increment('GET', '/x', error=error)
    assert policy.get_backoff_time() == 2


class _Response:
    def __init__(self, status):
        self.status = status

    def get_redirect_location(self):
        return None


def test_a_401_is_sent_once_and_never_retried(emulator):
    session = ApiSession(emulator.jama_url, auth=('jci_service', 'wrong'), ca_path=emulator.ca_file)
    with pytest.raises(errors.AuthenticationError):
        session.request('GET', '/rest/v1/users/current')
    assert len(emulator.request_log('jama')) == 1
    assert session.retries == []


def test_429_then_success_with_retry_after_is_reported(emulator):
    emulator.fault(kind='status', system='jama', status=429, count=2, retry_after=1)
    session = ApiSession(emulator.jama_url, auth=SERVICE, ca_path=emulator.ca_file)
    started = time.monotonic()
    body = session.request('GET', '/rest/v1/users/current')
    assert body['data']['username'] == 'jci_service'
    assert [entry['status'] for entry in session.retries] == [429, 429]
    assert time.monotonic() - started >= 2  # Retry-After: 1, twice


def test_post_is_not_repeated_after_a_503(emulator):
    emulator.fault(kind='status', system='jama', operation='createMyApiCredential', status=503, count=1)
    session = ApiSession(emulator.jama_url, auth=SERVICE, ca_path=emulator.ca_file)
    with pytest.raises(errors.ServerError):
        session.request('POST', '/rest/v1/users/current/apicredentials', json={'name': 'x'})
    assert [e['operation'] for e in emulator.request_log('jama')] == ['createMyApiCredential']
