from helpers import ADMIN, FLOATING, NO_REST, SERVICE, create_credential, token

WRONG = ('jci_service', 'wrong-password')


def fail_logins(emulator, count):
    for _attempt in range(count):
        assert emulator.jama('GET', '/rest/v1/users/current', auth=WRONG).status_code == 401


def test_ten_failed_logins_lock_the_account_even_for_the_right_password(emulator):
    fail_logins(emulator, 10)
    response = emulator.jama('GET', '/rest/v1/users/current', auth=SERVICE)
    assert response.status_code == 401
    assert 'locked until' in response.json()['meta']['message']


def test_nine_failed_logins_do_not_lock(emulator):
    fail_logins(emulator, 9)
    assert emulator.jama('GET', '/rest/v1/users/current', auth=SERVICE).status_code == 200


def test_failures_older_than_five_minutes_do_not_count(emulator):
    fail_logins(emulator, 9)
    emulator.advance_clock(301)
    fail_logins(emulator, 1)
    assert emulator.jama('GET', '/rest/v1/users/current', auth=SERVICE).status_code == 200


def test_lock_lasts_thirty_minutes(emulator):
    fail_logins(emulator, 10)
    emulator.advance_clock(29 * 60)
    assert emulator.jama('GET', '/rest/v1/users/current', auth=SERVICE).status_code == 401
    emulator.advance_clock(61)
    assert emulator.jama('GET', '/rest/v1/users/current', auth=SERVICE).status_code == 200


def test_failed_client_credentials_never_lock_the_account(emulator):
    cred = create_credential(emulator)
    for _attempt in range(12):
        assert token(emulator, cred['clientId'], 'wrong').status_code == 401
    assert emulator.admin('GET', '/users/jci_service')['lockedUntil'] is None
    assert token(emulator, cred['clientId'], cred['clientSecret']).status_code == 200


def test_locked_account_gets_no_token(emulator):
    cred = create_credential(emulator)
    emulator.admin('POST', '/users/jci_service/lock', {'seconds': 600})
    response = token(emulator, cred['clientId'], cred['clientSecret'])
    assert response.status_code == 401
    assert 'locked' in response.json()['meta']['message']


def test_user_without_rest_access_gets_401(emulator):
    response = emulator.jama('GET', '/rest/v1/users/current', auth=NO_REST)
    assert response.status_code == 401
    assert 'not permitted to use the REST API' in response.json()['meta']['message']


def test_floating_licence_gets_401_naming_named_creator(emulator):
    response = emulator.jama('GET', '/rest/v1/users/current', auth=FLOATING)
    assert response.status_code == 401
    assert 'Named Creator' in response.json()['meta']['message']


def test_credential_of_a_user_without_rest_access_gets_no_token(emulator):
    cred = create_credential(emulator, auth=ADMIN, user='3')
    response = token(emulator, cred['clientId'], cred['clientSecret'])
    assert response.status_code == 401
    assert response.json()['error'] == 'unauthorized_client'
