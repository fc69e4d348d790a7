from helpers import SERVICE, bearer, create_credential, token


def test_client_credentials_grant_returns_a_bearer_token(emulator):
    cred = create_credential(emulator)
    response = token(emulator, cred['clientId'], cred['clientSecret'])
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {'access_token', 'token_type', 'expires_in'}
    assert body['token_type'] == 'Bearer'
    assert body['expires_in'] == 3599
    user = emulator.jama('GET', '/rest/v1/users/current', headers=bearer(body['access_token']))
    assert user.json()['data']['username'] == 'jci_service'


def test_wrong_secret_is_refused_as_invalid_client(emulator):
    cred = create_credential(emulator)
    response = token(emulator, cred['clientId'], 'not-the-secret')
    assert response.status_code == 401
    assert response.json()['error'] == 'invalid_client'
    assert response.json()['meta']['message'] == 'Bad client credentials'


def test_other_grant_types_are_refused(emulator):
    cred = create_credential(emulator)
    response = emulator.jama('POST', '/rest/oauth/token', auth=(cred['clientId'], cred['clientSecret']),
                             data={'grant_type': 'refresh_token'})
    assert response.status_code == 400
    assert response.json()['error'] == 'unsupported_grant_type'
    missing = emulator.jama('POST', '/rest/oauth/token', auth=(cred['clientId'], cred['clientSecret']))
    assert missing.json()['error'] == 'invalid_request'


def test_token_without_client_authentication_is_refused(emulator):
    response = emulator.jama('POST', '/rest/oauth/token', data={'grant_type': 'client_credentials'})
    assert response.status_code == 401
    assert response.json()['error'] == 'invalid_client'


def test_token_expires_after_its_lifetime(emulator):
    cred = create_credential(emulator)
    access = token(emulator, cred['clientId'], cred['clientSecret']).json()['access_token']
    assert emulator.jama('GET', '/rest/v1/users/current', headers=bearer(access)).status_code == 200
    emulator.advance_clock(3600)
    expired = emulator.jama('GET', '/rest/v1/users/current', headers=bearer(access))
    assert expired.status_code == 401
    assert 'expired' in expired.json()['meta']['message']


def test_token_lifetime_is_configurable(emulator_factory):
    short = emulator_factory('--token-ttl', '120')
    cred = create_credential(short)
    assert token(short, cred['clientId'], cred['clientSecret']).json()['expires_in'] == 120


def test_legacy_token_answer_uses_lower_case_bearer_and_extra_fields(emulator_factory):
    legacy = emulator_factory('--legacy-token-response')
    cred = create_credential(legacy)
    body = token(legacy, cred['clientId'], cred['clientSecret']).json()
    assert body['token_type'] == 'bearer'
    assert {'scope', 'application_data', 'tenant', 'jti'} <= set(body)


def test_deleting_a_credential_invalidates_its_tokens(emulator):
    cred = create_credential(emulator)
    access = token(emulator, cred['clientId'], cred['clientSecret']).json()['access_token']
    deleted = emulator.jama('DELETE', '/rest/v1/users/current/apicredentials/%d' % cred['id'], auth=SERVICE)
    assert deleted.status_code == 204
    assert emulator.jama('GET', '/rest/v1/users/current', headers=bearer(access)).status_code == 401
    assert token(emulator, cred['clientId'], cred['clientSecret']).status_code == 401


def test_token_use_is_recorded_as_last_used(emulator):
    cred = create_credential(emulator)
    assert cred['lastUsedDate'] is None
    token(emulator, cred['clientId'], cred['clientSecret'])
    listed = emulator.jama('GET', '/rest/v1/users/current/apicredentials', auth=SERVICE).json()['data']
    assert listed[0]['lastUsedDate'] is not None
