"""Small shared steps for the emulator tests."""
from jamaemu.accounts import FLOATING, JAMA_ADMIN as ADMIN, JCI_ADMIN, JCI_USER, NO_REST, READER, SERVICE  # noqa: F401 pylint: disable=unused-import


def create_credential(emulator, name='jci', auth=SERVICE, user='current'):
    response = emulator.jama('POST', '/rest/v1/users/%s/apicredentials' % user, auth=auth, json={'name': name})
    assert response.status_code == 201, response.text
    return response.json()['data']


def token(emulator, client_id, client_secret):
    return emulator.jama('POST', '/rest/oauth/token', auth=(client_id, client_secret),
                         data={'grant_type': 'client_credentials'})


def bearer(access_token):
    return {'Authorization': 'Bearer ' + access_token}
