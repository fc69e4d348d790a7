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
    assert BACKOFF_SECONDS == (3, 5, 8, 13)
    # Up to a quarter more at random, so environments throttled together do not come back together.
    assert all(base <= wait <= base * 1.25 for base, wait in zip(BACKOFF_SECONDS, waits))


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


def test_a_retry_after_over_the_cap_fails_at_once_and_says_so(emulator):
    emulator.fault(kind='status', system='jama', status=429, count=1, retry_after=3600)
    session = ApiSession(emulator.jama_url, auth=SERVICE, ca_path=emulator.ca_file, retry_after_max=2)
    started = time.monotonic()
    with pytest.raises(errors.RateLimitedError) as raised:
        session.request('GET', '/rest/v1/users/current')
    assert time.monotonic() - started < 2
    assert 'asked to wait 3600 s (Retry-After), more than retry_after_max (2 s)' in raised.value.message


def test_jittered_backoff_differs_between_environments():
    policy = retry_policy().new(history=(_entry(429),))
    assert len({round(policy.get_backoff_time(), 6) for _sample in range(20)}) > 1


def test_a_dropped_answer_is_reported_as_such_not_as_cannot_connect(emulator):
    emulator.fault(kind='drop', system='jama', operation='createMyApiCredential', count=1, when='after')
    session = ApiSession(emulator.jama_url, auth=SERVICE, ca_path=emulator.ca_file)
    with pytest.raises(errors.TransportError) as raised:
        session.request('POST', '/rest/v1/users/current/apicredentials', json={'name': 'x'})
    assert 'closed the connection after receiving the request' in raised.value.message
    assert 'Cannot connect' not in raised.value.message and 'Max retries' not in raised.value.message


@pytest.mark.parametrize('options, fragment', [
    ({'ca_path': '/nonexistent/ca.pem'}, 'jama.ca_path: no such file /nonexistent/ca.pem'),
    ({'timeout': 10 ** 12}, 'jama.timeout must be a whole number of seconds between 1 and 600'),
    ({'retry_after_max': -1}, 'jama.retry_after_max must be between 0 and 3600'),
])
def test_bad_local_settings_are_refused_before_any_call(options, fragment):
    from ansible_collections.jama.connect.plugins.module_utils.connection import jama_session
    params = {'jama': dict({'url': 'https://jama.example.com', 'username': 'u', 'password': 'p', 'token': None,
                            'client_id': None, 'validate_certs': True, 'ca_path': None, 'timeout': 30,
                            'retry_after_max': 60}, **options)}
    with pytest.raises(errors.ConfigurationError) as raised:
        jama_session(params)
    assert fragment in raised.value.message


class _Answer:
    def __init__(self, retry_after):
        self.headers = {'Retry-After': retry_after}


def _http_date(offset):
    return time.strftime('%a, %d %b %Y %H:%M:%S GMT', time.gmtime(time.time() + offset))


# An HTTP date (RFC 9110) is parsed by urllib3's own Retry, as delta-seconds are. The dates are made in the test:
# parameters must be the same in every pytest-xdist worker.
@pytest.mark.parametrize('header, refused', [
    ('2', False), ('120', True), (3600, True), (-60, False),
], ids=['2 s', '120 s', 'a date in an hour', 'a date a minute ago'])
def test_a_retry_after_over_the_cap_is_refused_whether_seconds_or_a_date(header, refused, monkeypatch):
    from ansible_collections.jama.connect.plugins.module_utils.http_session import RetryAfterTooLong
    header = _http_date(header) if isinstance(header, int) else header
    policy = retry_policy(retry_after_max=60)
    monkeypatch.setattr(time, 'sleep', lambda seconds: None)
    try:
        policy.sleep_for_retry(_Answer(header))
    except RetryAfterTooLong as error:
        assert refused and error.seconds > 60
    else:
        assert not refused
