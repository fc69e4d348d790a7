import json
import os
import subprocess

from helpers import JCI_ADMIN, SERVICE, create_credential, token


def test_log_records_method_path_status_and_user(emulator):
    emulator.jama('GET', '/rest/v1/users/current', auth=SERVICE)
    emulator.jama('GET', '/rest/v1/users/current', auth=('jci_service', 'bad'))
    entries = emulator.request_log('jama')
    assert [(e['method'], e['path'], e['status'], e['user'], e['auth']) for e in entries] == [
        ('GET', '/rest/v1/users/current', 200, 'jci_service', 'basic'),
        ('GET', '/rest/v1/users/current', 401, 'jci_service', 'basic'),
    ]


def test_log_never_holds_a_secret_or_authorization_header(emulator):
    cred = create_credential(emulator)
    access = token(emulator, cred['clientId'], cred['clientSecret']).json()['access_token']
    emulator.jama('GET', '/rest/v1/users/current', headers={'Authorization': 'Bearer ' + access})
    emulator.jci('POST', '/api/v1/connectors', json={
        'name': 'c', 'url': emulator.jama_url, 'authenticationType': 'oauth', 'clientId': cred['clientId'],
        'clientSecret': cred['clientSecret']})
    emulator.jci('POST', '/api/v1/connectors/2/test')
    dumped = json.dumps(emulator.request_log())
    for secret in (cred['clientSecret'], access, SERVICE[1], JCI_ADMIN[1], 'Basic ', 'Bearer '):
        assert secret not in dumped
    with open(emulator.workdir + '/emulator.log', encoding='utf-8') as handle:
        server_output = handle.read()
    assert cred['clientSecret'] not in server_output and access not in server_output


def test_log_can_be_reset(emulator):
    emulator.jama('GET', '/rest')
    assert emulator.request_log()
    emulator.admin('DELETE', '/requests')
    assert emulator.request_log() == []


def test_admin_lists_issued_secrets_for_leak_checks(emulator):
    cred = create_credential(emulator)
    access = token(emulator, cred['clientId'], cred['clientSecret']).json()['access_token']
    emulator.reset()
    secrets = emulator.admin('GET', '/secrets')
    assert secrets['issued'][-2:] == [cred['clientSecret'], access], 'a reset must not forget issued secrets'
    assert SERVICE[1] in secrets['seeded']


def test_seeded_passwords_live_only_in_the_seed_file():
    """Tests and tools take the seeded passwords from the seed (jamaemu.accounts), never from a copy of their own."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    with open(os.path.join(root, 'tests', 'emulator', 'jamaemu', 'seed.json'), encoding='utf-8') as handle:
        seed = json.load(handle)
    passwords = [user['password'] for system in ('jama', 'jci') for user in seed[system]['users']]
    tracked = subprocess.run(['git', 'ls-files'], cwd=root, capture_output=True, text=True, check=True).stdout.split()
    copies = []
    for relative in tracked:
        if relative.endswith('seed.json'):
            continue
        try:
            with open(os.path.join(root, relative), encoding='utf-8') as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError):
            continue
        copies.extend('%s holds a seeded password' % relative for password in passwords if password in text)
    assert copies == []
