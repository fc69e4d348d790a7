"""Small shared steps for the emulator tests."""
SERVICE = ('jci_service', 'service-Pa55!')
ADMIN = ('jama_admin', 'admin-Pa55!')
NO_REST = ('no_rest_user', 'norest-Pa55!')
FLOATING = ('floating_user', 'floating-Pa55!')
READER = ('api_reader', 'reader-Pa55!')


def create_credential(emulator, name='jci', auth=SERVICE, user='current'):
    response = emulator.jama('POST', '/rest/v1/users/%s/apicredentials' % user, auth=auth, json={'name': name})
    assert response.status_code == 201, response.text
    return response.json()['data']


def token(emulator, client_id, client_secret):
    return emulator.jama('POST', '/rest/oauth/token', auth=(client_id, client_secret),
                         data={'grant_type': 'client_credentials'})


def bearer(access_token):
    return {'Authorization': 'Bearer ' + access_token}
