"""Jama's official Python client (py-jama-rest-client), unchanged, against the emulator."""
from py_jama_rest_client.client import JamaClient

from helpers import SERVICE, create_credential


def test_official_client_oauth_login_and_current_user(emulator):
    cred = create_credential(emulator)
    client = JamaClient(emulator.jama_url, credentials=(cred['clientId'], cred['clientSecret']), oauth=True,
                        verify=emulator.ca_file)
    assert client.get_current_user()['username'] == 'jci_service'


def test_official_client_pages_through_all_projects(emulator):
    cred = create_credential(emulator)
    client = JamaClient(emulator.jama_url, credentials=(cred['clientId'], cred['clientSecret']), oauth=True,
                        verify=emulator.ca_file)
    projects = client.get_projects()
    assert len(projects) == 23
    assert len({project['id'] for project in projects}) == 23
    pages = [entry for entry in emulator.request_log('jama') if entry['operation'] == 'getProjects']
    assert len(pages) == 2


def test_official_client_basic_auth(emulator):
    client = JamaClient(emulator.jama_url, credentials=SERVICE, verify=emulator.ca_file)
    assert client.get_current_user()['id'] == 2
