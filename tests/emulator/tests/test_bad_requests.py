import pytest

from helpers import SERVICE

MINE = '/rest/v1/users/current/apicredentials'


def assert_error_envelope(response, status):
    assert response.status_code == status
    body = response.json()
    assert body['meta']['message']
    assert 'Traceback' not in response.text


@pytest.mark.parametrize('payload, status', [
    (b'{not json', 400),
    (b'[1, 2]', 400),
    (b'{"name": 5}', 400),
    (b'{"name": ""}', 400),
    (b'{"name": "   "}', 400),
    (b'{"description": "no name"}', 400),
    (b'{"name": "' + b'x' * 101 + b'"}', 400),
    (b'{"name": "ok", "description": 7}', 400),
    (b'\xff\xfe', 400),
])
def test_malformed_or_invalid_bodies_get_the_error_envelope(emulator, payload, status):
    response = emulator.jama('POST', MINE, auth=SERVICE, data=payload, headers={'Content-Type': 'application/json'})
    assert_error_envelope(response, status)


@pytest.mark.parametrize('name, status', [
    ('\u001f', 201),  # an ASCII separator: Python's strip() drops it, but the contract's \S (ECMA-262) accepts it
    ('\u3000\t', 400),  # ECMA-262 whitespace only
])
def test_a_name_is_blank_exactly_as_the_contracts_pattern_says(emulator, name, status):
    response = emulator.jama('POST', MINE, auth=SERVICE, json={'name': name})
    assert response.status_code == status, response.text
    connector = emulator.jci('POST', '/api/v1/connectors', json={
        'name': name, 'application': 'jama_connect', 'url': emulator.jama_url, 'verifySsl': True,
        'authenticationType': 'oauth', 'clientId': 'x', 'clientSecret': 'y'})
    assert connector.status_code == status, connector.text


def test_oversized_body_gets_413(emulator):
    response = emulator.jama('POST', MINE, auth=SERVICE, data=b'x' * (1024 * 1024 + 1),
                             headers={'Content-Type': 'application/json'})
    assert_error_envelope(response, 413)


def test_unknown_path_gets_404_and_wrong_method_405(emulator):
    assert_error_envelope(emulator.jama('GET', '/rest/v1/nothing', auth=SERVICE), 404)
    assert_error_envelope(emulator.jama('PUT', '/rest/v1/users/current', auth=SERVICE), 405)


def test_non_numeric_ids_get_400(emulator):
    assert_error_envelope(emulator.jama('GET', MINE + '/abc', auth=SERVICE), 400)
    assert_error_envelope(emulator.jci('GET', '/api/v1/connectors/abc'), 400)


def test_unknown_ids_get_404(emulator):
    assert_error_envelope(emulator.jci('GET', '/api/v1/connectors/99999'), 404)
    assert_error_envelope(emulator.jci('POST', '/api/v1/connectors/99999/test'), 404)


def test_missing_authentication_gets_401(emulator):
    assert_error_envelope(emulator.jama('GET', '/rest/v1/users/current'), 401)
    assert_error_envelope(emulator.jci('GET', '/api/v1/connectors', auth=None), 401)
