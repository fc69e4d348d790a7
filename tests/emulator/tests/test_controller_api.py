"""[DOC] The emulated automation controller answers as AWX's REST API v2 does: discovery without a login, Basic and
token authentication, paging, write-only secret inputs, validation of inputs against the credential type, and
AWX's error shapes."""
import pytest

from helpers import CONTROLLER_ADMIN, CONTROLLER_AUDITOR, OAUTH_CLIENT_TYPE, controller_type

ENCRYPTED = '$encrypted$'


def new_credential(emulator, ctype, name='prod oauth', secret='controller-secret-1', **inputs):
    body = {'name': name, 'organization': 1, 'credential_type': ctype['id'],
            'inputs': dict({'url': 'https://jama.example.com', 'client_id': 'id-1', 'client_secret': secret}, **inputs)}
    response = emulator.controller('POST', '/api/v2/credentials/', json=body)
    assert response.status_code == 201, response.text
    return response.json()


def stored_inputs(emulator, cred):
    return emulator.admin('GET', '/controller/credentials/%d/inputs' % cred['id'])


def test_discovery_needs_no_login_and_names_the_endpoints(emulator):
    root = emulator.controller('GET', '/api/', auth=None)
    assert root.status_code == 200 and root.json()['current_version'] == '/api/v2/'
    v2 = emulator.controller('GET', '/api/v2/', auth=None).json()
    assert v2['credentials'] == '/api/v2/credentials/' and v2['credential_types'] == '/api/v2/credential_types/'
    assert emulator.controller('GET', '/api/v2/ping/', auth=None).json()['version']


@pytest.mark.parametrize('auth, status, detail', [
    (None, 401, 'Authentication credentials were not provided'),
    ((CONTROLLER_ADMIN[0], 'wrong-password'), 401, 'Invalid username/password.'),
    (('nobody', 'x-password'), 401, 'Invalid username/password.'),
])
def test_a_call_without_valid_credentials_is_refused(emulator, auth, status, detail):
    response = emulator.controller('GET', '/api/v2/credentials/', auth=auth)
    assert response.status_code == status
    assert detail in response.json()['detail']


def test_a_personal_token_is_shown_once_and_authenticates(emulator):
    created = emulator.controller('POST', '/api/v2/tokens/', json={'description': 'jama.connect', 'scope': 'write'})
    assert created.status_code == 201
    token = created.json()['token']
    me = emulator.controller('GET', '/api/v2/me/', auth=None, headers={'Authorization': 'Bearer ' + token})
    assert me.json()['results'][0]['username'] == CONTROLLER_ADMIN[0]
    listed = emulator.controller('GET', '/api/v2/tokens/').json()['results']
    assert listed and all(entry['token'] == '************' for entry in listed)
    bad = emulator.controller('GET', '/api/v2/me/', auth=None, headers={'Authorization': 'Bearer not-a-token'})
    assert bad.status_code == 401
    assert [entry['auth'] for entry in emulator.request_log('controller') if entry['operation'] == 'me'] == \
        ['bearer', 'bearer']


def test_a_user_without_rights_can_read_but_not_write(emulator):
    assert emulator.controller('GET', '/api/v2/credential_types/', auth=CONTROLLER_AUDITOR).status_code == 200
    response = emulator.controller('POST', '/api/v2/credential_types/', auth=CONTROLLER_AUDITOR, json=OAUTH_CLIENT_TYPE)
    assert response.status_code == 403 and 'permission' in response.json()['detail']
    assert emulator.controller('GET', '/api/v2/credential_types/?managed=false').json()['count'] == 0


def test_secret_inputs_read_back_as_encrypted_and_encrypted_keeps_them(emulator):
    ctype = controller_type(emulator)
    cred = new_credential(emulator, ctype)
    assert cred['inputs'] == {'url': 'https://jama.example.com', 'client_id': 'id-1', 'client_secret': ENCRYPTED}
    assert emulator.controller('GET', cred['url']).json()['inputs']['client_secret'] == ENCRYPTED
    kept = emulator.controller('PATCH', cred['url'], json={'inputs': {
        'url': 'https://jama.example.com', 'client_id': 'id-1', 'client_secret': ENCRYPTED}})
    assert kept.status_code == 200
    assert stored_inputs(emulator, cred)['client_secret'] == 'controller-secret-1'
    replaced = emulator.controller('PATCH', cred['url'], json={'inputs': {
        'url': 'https://jama.example.com', 'client_id': 'id-2', 'client_secret': 'controller-secret-2'}})
    assert replaced.json()['inputs']['client_id'] == 'id-2'
    assert stored_inputs(emulator, cred) == {'url': 'https://jama.example.com', 'client_id': 'id-2',
                                             'client_secret': 'controller-secret-2'}
    assert 'controller-secret-2' not in replaced.text


def test_the_admin_api_lists_credentials_with_clear_inputs_outside_the_request_log(emulator):
    ctype = controller_type(emulator)
    cred = new_credential(emulator, ctype)
    new_credential(emulator, ctype, name='test oauth', secret='controller-secret-2')
    emulator.admin('DELETE', '/requests')
    listed = emulator.admin('GET', '/controller/credentials?name=prod oauth')
    assert listed == [{'id': cred['id'], 'name': 'prod oauth', 'inputs': stored_inputs(emulator, cred)}]
    assert listed[0]['inputs']['client_secret'] == 'controller-secret-1'
    assert len(emulator.admin('GET', '/controller/credentials')) == 2
    assert emulator.request_log('controller') == []


def test_a_patch_of_inputs_replaces_them_all(emulator):
    ctype = controller_type(emulator, dict(OAUTH_CLIENT_TYPE, inputs={
        'fields': OAUTH_CLIENT_TYPE['inputs']['fields'] + [{'id': 'note', 'label': 'Note', 'type': 'string'}]}))
    cred = new_credential(emulator, ctype, note='kept?')
    emulator.controller('PATCH', cred['url'], json={'inputs': {'client_id': 'id-3'}})
    assert stored_inputs(emulator, cred) == {'client_id': 'id-3'}


@pytest.mark.parametrize('inputs, field, message', [
    ({'client_id': 'x', 'url': 'u', 'client_secret': 's', 'extra': 'y'}, 'inputs', "('extra' was unexpected)"),
    ({'client_id': 5, 'url': 'u', 'client_secret': 's'}, 'client_id', "is not of type 'string'"),
    ({'url': 'u', 'client_secret': 's'}, 'client_id', 'required for Jama Connect OAuth client'),
])
def test_inputs_are_checked_against_the_credential_type(emulator, inputs, field, message):
    ctype = controller_type(emulator)
    response = emulator.controller('POST', '/api/v2/credentials/', json={
        'name': 'bad', 'organization': 1, 'credential_type': ctype['id'], 'inputs': inputs})
    assert response.status_code == 400
    assert any(message in text for text in response.json()['inputs'][field])
    assert emulator.controller('GET', '/api/v2/credentials/').json()['count'] == 0


@pytest.mark.parametrize('body, key, message', [
    ({'name': 'x', 'credential_type': 1, 'inputs': {}}, 'detail', "Missing 'user', 'team', or 'organization'."),
    ({'name': 'x', 'organization': 1, 'credential_type': 999}, 'credential_type', 'object does not exist'),
    ({'organization': 1, 'credential_type': 1}, 'name', 'This field is required.'),
    ({'name': 'x', 'organization': 42, 'credential_type': 1}, 'organization', 'object does not exist'),
])
def test_a_credential_without_its_essentials_is_refused(emulator, body, key, message):
    response = emulator.controller('POST', '/api/v2/credentials/', json=body)
    assert response.status_code == 400
    answer = response.json()[key]
    assert message in (answer if isinstance(answer, str) else ' '.join(answer))


def test_a_primary_key_sent_as_a_string_is_that_key(emulator):
    ctype = controller_type(emulator)
    response = emulator.controller('POST', '/api/v2/credentials/', json={
        'name': 'string keys', 'organization': '1', 'credential_type': str(ctype['id']),
        'inputs': {'url': 'u', 'client_id': 'i', 'client_secret': 's'}})
    assert response.status_code == 201
    assert (response.json()['organization'], response.json()['credential_type']) == (1, ctype['id'])
    assert emulator.controller('DELETE', ctype['url']).status_code == 403


def test_names_are_unique_per_organisation_and_type(emulator):
    ctype = controller_type(emulator)
    new_credential(emulator, ctype)
    again = emulator.controller('POST', '/api/v2/credentials/', json={
        'name': 'prod oauth', 'organization': 1, 'credential_type': ctype['id'],
        'inputs': {'url': 'u', 'client_id': 'i', 'client_secret': 's'}})
    assert again.status_code == 400 and 'already exists' in again.json()['__all__'][0]
    other_org = emulator.controller('POST', '/api/v2/credentials/', json={
        'name': 'prod oauth', 'organization': 2, 'credential_type': ctype['id'],
        'inputs': {'url': 'u', 'client_id': 'i', 'client_secret': 's'}})
    assert other_org.status_code == 201
    duplicate_type = emulator.controller('POST', '/api/v2/credential_types/', json=OAUTH_CLIENT_TYPE)
    assert duplicate_type.status_code == 400 and 'already exists' in duplicate_type.json()['__all__'][0]


@pytest.mark.parametrize('changes, field', [
    ({'kind': 'ssh'}, 'kind'),
    ({'injectors': {'env': {'1BAD': '{{ url }}'}}}, 'injectors'),
    ({'injectors': {'extra_vars': {'x': '{{ undefined_input }}'}}}, 'injectors'),
    ({'injectors': {'files': {}}}, 'injectors'),
    ({'inputs': {'fields': [{'id': 'a', 'label': 'A', 'type': 'number'}]}}, 'inputs'),
])
def test_a_bad_credential_type_is_refused(emulator, changes, field):
    response = emulator.controller('POST', '/api/v2/credential_types/', json=dict(OAUTH_CLIENT_TYPE, **changes))
    assert response.status_code == 400 and field in response.json()


def test_managed_and_used_credential_types_cannot_be_changed_or_deleted(emulator):
    assert emulator.controller('PATCH', '/api/v2/credential_types/1/', json={'description': 'x'}).status_code == 403
    ctype = controller_type(emulator)
    cred = new_credential(emulator, ctype)
    assert emulator.controller('DELETE', ctype['url']).status_code == 403
    # [DOC] AWX: "Modifications to inputs are not allowed for credential types that are in use"; other fields may change.
    changed_inputs = dict(OAUTH_CLIENT_TYPE['inputs'], required=['url'])
    refused = emulator.controller('PATCH', ctype['url'], json={'inputs': changed_inputs})
    assert refused.status_code == 403 and 'in use' in refused.json()['detail']
    assert emulator.controller('PATCH', ctype['url'], json={'description': 'kept in use'}).status_code == 200
    assert emulator.controller('DELETE', cred['url']).status_code == 204
    assert emulator.controller('DELETE', ctype['url']).status_code == 204
    assert emulator.controller('GET', ctype['url']).status_code == 404


def test_lists_page_as_count_next_previous_results_and_filter(emulator):
    ctype = controller_type(emulator)
    for index in range(7):
        new_credential(emulator, ctype, name='cred %d' % index)
    first = emulator.controller('GET', '/api/v2/credentials/?page_size=3').json()
    assert first['count'] == 7 and len(first['results']) == 3 and first['previous'] is None
    second = emulator.controller('GET', first['next']).json()
    third = emulator.controller('GET', second['next']).json()
    assert third['next'] is None and len(third['results']) == 1
    names = [item['name'] for page in (first, second, third) for item in page['results']]
    assert names == ['cred %d' % index for index in range(7)]
    one = emulator.controller('GET', '/api/v2/credentials/', params={'name': 'cred 4', 'credential_type': ctype['id']})
    assert [item['name'] for item in one.json()['results']] == ['cred 4']
    assert emulator.controller('GET', '/api/v2/credentials/?page=9').status_code == 404
    refused = emulator.controller('GET', '/api/v2/credentials/?inputs__client_secret=x')
    assert refused.status_code == 400 and 'detail' in refused.json()


def test_unknown_paths_and_methods_answer_in_awx_shape(emulator):
    missing = emulator.controller('GET', '/api/v2/nothing/')
    assert missing.status_code == 404 and missing.json() == {'detail': 'Not found.'}
    wrong = emulator.controller('PUT', '/api/v2/credentials/')
    assert wrong.status_code == 405 and 'not allowed' in wrong.json()['detail']
    broken = emulator.controller('POST', '/api/v2/credentials/', data='{not json',
                                 headers={'Content-Type': 'application/json'})
    assert broken.status_code == 400 and 'JSON parse error' in broken.json()['detail']
