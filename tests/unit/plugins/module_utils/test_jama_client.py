from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.jama.connect.plugins.module_utils import errors, paging
from ansible_collections.jama.connect.plugins.module_utils.http_session import ApiSession, TokenProvider
from ansible_collections.jama.connect.plugins.module_utils.jama_client import JamaClient

from jamaemu.accounts import JAMA_ADMIN, SERVICE  # pylint: disable=import-error


def client_for(emulator, auth=SERVICE, url=None):
    return JamaClient(ApiSession(url or emulator.jama_url, auth=auth, ca_path=emulator.ca_file))


def test_create_returns_the_secret_and_list_never_does(emulator):
    client = client_for(emulator)
    created = client.create_credential('jci', 'desc')
    assert created['clientSecret']
    listed = client.list_credentials()
    assert [cred['clientId'] for cred in listed] == [created['clientId']]
    assert 'clientSecret' not in listed[0]


def test_find_and_delete_by_name(emulator):
    client = client_for(emulator)
    created = client.create_credential('a')
    assert client.find_credential('a')['id'] == created['id']
    client.delete_credential(created['id'])
    assert client.find_credential('a') is None


def test_paging_follows_total_results(emulator, monkeypatch):
    monkeypatch.setattr(paging, 'PAGE_SIZE', 2)
    client = client_for(emulator)
    for index in range(5):
        client.create_credential('c%d' % index)
    assert [cred['name'] for cred in client.list_credentials()] == ['c0', 'c1', 'c2', 'c3', 'c4']
    pages = [entry for entry in emulator.request_log('jama') if entry['operation'] == 'getMyApiCredentials']
    assert len(pages) == 3


def test_a_server_that_lies_about_total_results_cannot_loop_forever(monkeypatch):
    monkeypatch.setattr(paging, 'MAX_PAGES', 3)

    class LyingSession:
        calls = 0

        def request(self, method, path, params=None, **kwargs):
            LyingSession.calls += 1
            return {'meta': {'pageInfo': {'totalResults': 10 ** 6}}, 'data': [{'id': LyingSession.calls}]}

    with pytest.raises(errors.ApiError):
        JamaClient(LyingSession()).paged('/rest/v1/x')
    assert LyingSession.calls == 3


def test_admin_finds_a_user_and_acts_for_it(emulator):
    client = client_for(emulator, auth=JAMA_ADMIN)
    user = client.find_user('jci_service')
    created = client.create_credential('for-service', user_id=user['id'])
    assert client_for(emulator).find_credential('for-service')['id'] == created['id']
    with pytest.raises(errors.NotFoundError):
        client.find_user('nobody')


def test_client_credentials_token_is_renewed_once_after_expiry(emulator):
    created = client_for(emulator).create_credential('oauth')
    provider = TokenProvider(client_id=created['clientId'], client_secret=created['clientSecret'])
    client = client_for(emulator, auth=provider)
    assert client.current_user()['username'] == 'jci_service'
    emulator.admin('POST', '/tokens/expire')
    assert client.current_user()['username'] == 'jci_service'
    tokens = [entry for entry in emulator.request_log('jama') if entry['operation'] == 'createOAuthToken']
    assert len(tokens) == 2


def test_a_static_token_is_never_renewed(emulator):
    created = client_for(emulator).create_credential('oauth')
    provider = TokenProvider(client_id=created['clientId'], client_secret=created['clientSecret'])
    client_for(emulator, auth=provider).current_user()
    static = client_for(emulator, auth=TokenProvider(static_token=provider.access_token))
    emulator.admin('POST', '/tokens/expire')
    with pytest.raises(errors.AuthenticationError):
        static.current_user()


def test_legacy_lower_case_bearer_answer_is_accepted(emulator_factory):
    legacy = emulator_factory('--legacy-token-response')
    created = client_for(legacy).create_credential('oauth')
    provider = TokenProvider(client_id=created['clientId'], client_secret=created['clientSecret'])
    assert client_for(legacy, auth=provider).current_user()['username'] == 'jci_service'
    assert provider.token_type == 'bearer'


def test_wrong_client_secret_is_a_token_error(emulator):
    created = client_for(emulator).create_credential('oauth')
    provider = TokenProvider(client_id=created['clientId'], client_secret='wrong')
    with pytest.raises(errors.TokenError) as raised:
        client_for(emulator, auth=provider).current_user()
    assert 'wrong' not in str(raised.value)


def test_tls_failure_without_the_ca(emulator):
    session = ApiSession(emulator.jama_url, auth=SERVICE)
    with pytest.raises(errors.TlsError) as raised:
        session.request('GET', '/rest/v1/users/current')
    assert 'ca_path' in raised.value.to_fail_json()['msg']
    assert len(emulator.request_log('jama')) == 0


def test_unreachable_host_is_a_transport_error():
    session = ApiSession('https://127.0.0.1:9', auth=SERVICE, timeout=5)
    with pytest.raises(errors.TransportError) as raised:
        session.request('GET', '/rest/v1/users/current')
    assert 'Cannot connect to https://127.0.0.1:9' in str(raised.value)
