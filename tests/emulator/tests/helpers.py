"""Small shared steps for the emulator tests."""
from jamaemu.accounts import (  # noqa: F401 pylint: disable=unused-import
    CONTROLLER_ADMIN, CONTROLLER_AUDITOR, FLOATING, JAMA_ADMIN as ADMIN, JCI_ADMIN, JCI_USER, NO_REST, READER, SERVICE)


def create_credential(emulator, name='jci', auth=SERVICE, user='current'):
    response = emulator.jama('POST', '/rest/v1/users/%s/apicredentials' % user, auth=auth, json={'name': name})
    assert response.status_code == 201, response.text
    return response.json()['data']


def token(emulator, client_id, client_secret):
    return emulator.jama('POST', '/rest/oauth/token', auth=(client_id, client_secret),
                         data={'grant_type': 'client_credentials'})


def bearer(access_token):
    return {'Authorization': 'Bearer ' + access_token}


OAUTH_CLIENT_TYPE = {
    'name': 'Jama Connect OAuth client', 'kind': 'cloud',
    'inputs': {'fields': [{'id': 'url', 'label': 'URL', 'type': 'string'},
                          {'id': 'client_id', 'label': 'Client ID', 'type': 'string'},
                          {'id': 'client_secret', 'label': 'Client secret', 'type': 'string', 'secret': True}],
               'required': ['url', 'client_id', 'client_secret']},
    'injectors': {'extra_vars': {'oauth_connector_client_id': '{{ client_id }}',
                                 'oauth_connector_client_secret': '{{ client_secret }}'}}}


def controller_type(emulator, body=None):
    response = emulator.controller('POST', '/api/v2/credential_types/', json=body or OAUTH_CLIENT_TYPE)
    assert response.status_code == 201, response.text
    return response.json()
