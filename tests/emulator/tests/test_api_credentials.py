from helpers import ADMIN, NO_REST, READER, SERVICE, create_credential

MINE = '/rest/v1/users/current/apicredentials'


def test_secret_is_returned_at_creation_only(emulator):
    cred = create_credential(emulator)
    assert cred['clientSecret']
    listed = emulator.jama('GET', MINE, auth=SERVICE).json()['data']
    single = emulator.jama('GET', '%s/%d' % (MINE, cred['id']), auth=SERVICE).json()['data']
    assert [item['clientId'] for item in listed] == [cred['clientId']]
    assert 'clientSecret' not in listed[0]
    assert 'clientSecret' not in single


def test_create_answers_201_with_id_and_location(emulator):
    response = emulator.jama('POST', MINE, auth=SERVICE, json={'name': 'x', 'description': 'd'})
    meta = response.json()['meta']
    assert response.status_code == 201
    assert meta['location'] == '%s/%d' % (MINE, meta['id'])
    assert response.headers['Location'] == meta['location']


def test_names_are_unique_per_user(emulator):
    create_credential(emulator, name='same')
    response = emulator.jama('POST', MINE, auth=SERVICE, json={'name': 'same'})
    assert response.status_code == 409
    assert 'already exists' in response.json()['meta']['message']
    create_credential(emulator, name='same', auth=ADMIN)


def test_twenty_first_credential_is_refused(emulator):
    for index in range(20):
        create_credential(emulator, name='cred-%d' % index)
    response = emulator.jama('POST', MINE, auth=SERVICE, json={'name': 'cred-20'})
    assert response.status_code == 400
    assert 'maximum of 20' in response.json()['meta']['message']
    total = emulator.jama('GET', MINE, auth=SERVICE, params={'maxResults': 50}).json()['meta']['pageInfo']
    assert total['totalResults'] == 20


def test_admin_manages_another_users_credentials(emulator):
    cred = create_credential(emulator, auth=ADMIN, user='2')
    mine = emulator.jama('GET', MINE, auth=SERVICE).json()['data']
    assert [item['id'] for item in mine] == [cred['id']]
    deleted = emulator.jama('DELETE', '/rest/v1/users/2/apicredentials/%d' % cred['id'], auth=ADMIN)
    assert deleted.status_code == 204


def test_non_admin_cannot_address_another_user(emulator):
    response = emulator.jama('GET', '/rest/v1/users/2/apicredentials', auth=READER)
    assert response.status_code == 403
    assert 'administrator' in response.json()['meta']['message']
    assert emulator.jama('GET', '/rest/v1/users/5/apicredentials', auth=READER).status_code == 200


def test_user_without_rest_access_cannot_manage_credentials(emulator):
    assert emulator.jama('POST', MINE, auth=NO_REST, json={'name': 'x'}).status_code == 401


def test_unknown_user_and_credential_are_404(emulator):
    assert emulator.jama('GET', '/rest/v1/users/999/apicredentials', auth=ADMIN).status_code == 404
    missing = emulator.jama('DELETE', '%s/424242' % MINE, auth=SERVICE)
    assert missing.status_code == 404
    assert missing.json()['meta']['status'] == 'Not Found'


def test_filter_by_name(emulator):
    create_credential(emulator, name='a')
    create_credential(emulator, name='b')
    listed = emulator.jama('GET', MINE, auth=SERVICE, params={'name': 'b'}).json()['data']
    assert [item['name'] for item in listed] == ['b']


def test_unicode_names_round_trip(emulator):
    cred = create_credential(emulator, name='Schnittstelle – Ü ✓')
    listed = emulator.jama('GET', MINE, auth=SERVICE).json()['data']
    assert listed[0]['name'] == cred['name'] == 'Schnittstelle – Ü ✓'
