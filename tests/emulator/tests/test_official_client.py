"""Jama's official Python client (py-jama-rest-client), unchanged, against the emulator: every read it offers
that touches an emulated resource (current user, users, one user, projects, the endpoint list), with OAuth and
with Basic."""
import pytest
from py_jama_rest_client.client import JamaClient

from helpers import SERVICE, create_credential


@pytest.fixture
def oauth_client(emulator):
    cred = create_credential(emulator)
    return JamaClient(emulator.jama_url, credentials=(cred['clientId'], cred['clientSecret']), oauth=True,
                      verify=emulator.ca_file)


def test_official_client_oauth_login_and_current_user(oauth_client):
    assert oauth_client.get_current_user()['username'] == 'jci_service'


def test_official_client_pages_through_all_projects(emulator, oauth_client):
    projects = oauth_client.get_projects()
    assert len(projects) == 23
    assert len({project['id'] for project in projects}) == 23
    pages = [entry for entry in emulator.request_log('jama') if entry['operation'] == 'getProjects']
    assert len(pages) == 2


def test_official_client_lists_users_and_reads_one(emulator, oauth_client):
    users = oauth_client.get_users()
    names = {user['username'] for user in users}
    assert {'jama_admin', 'jci_service'} <= names
    assert [entry['path'] for entry in emulator.request_log('jama') if entry['operation'] == 'getUsersSlash']
    one = oauth_client.get_user(users[0]['id'])
    assert one['username'] == users[0]['username']


def test_official_client_lists_the_available_endpoints(oauth_client):
    assert 'users' in oauth_client.get_available_endpoints()


def test_official_client_basic_auth(emulator):
    client = JamaClient(emulator.jama_url, credentials=SERVICE, verify=emulator.ca_file)
    assert client.get_current_user()['id'] == 2
    assert client.get_available_endpoints()


@pytest.mark.parametrize('scheme', ['Bearer', 'bearer', 'BEARER'])
def test_the_bearer_scheme_is_accepted_in_any_case(emulator, scheme):
    cred = create_credential(emulator)
    token = emulator.jama('POST', '/rest/oauth/token', auth=(cred['clientId'], cred['clientSecret']),
                          data={'grant_type': 'client_credentials'}).json()['access_token']
    response = emulator.jama('GET', '/rest/v1/users/current', headers={'Authorization': '%s %s' % (scheme, token)})
    assert response.status_code == 200
