import re

from helpers import SERVICE

TIMESTAMP = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$')


def test_current_user_answers_in_the_documented_envelope(emulator):
    body = emulator.jama('GET', '/rest/v1/users/current', auth=SERVICE).json()
    assert body['meta']['status'] == 'OK'
    assert TIMESTAMP.match(body['meta']['timestamp'])
    assert body['links'] == {}
    assert body['data']['username'] == 'jci_service'
    assert body['data']['licenseType'] == 'NAMED'
    assert body['data']['type'] == 'users'


def test_api_versions_list_v1_without_authentication(emulator):
    body = emulator.jama('GET', '/rest').json()
    assert body['data'][0]['version'] == 'v1'


def test_paging_defaults_to_20_results(emulator):
    body = emulator.jama('GET', '/rest/v1/projects', auth=SERVICE).json()
    assert body['meta']['pageInfo'] == {'startIndex': 0, 'resultCount': 20, 'totalResults': 23}
    assert len(body['data']) == 20


def test_paging_second_page_holds_the_rest(emulator):
    body = emulator.jama('GET', '/rest/v1/projects', auth=SERVICE, params={'startAt': 20}).json()
    assert body['meta']['pageInfo'] == {'startIndex': 20, 'resultCount': 3, 'totalResults': 23}


def test_max_results_is_capped_at_50(emulator):
    body = emulator.jama('GET', '/rest/v1/users', auth=SERVICE, params={'maxResults': 500}).json()
    assert body['meta']['pageInfo']['resultCount'] == 5
    projects = emulator.jama('GET', '/rest/v1/projects', auth=SERVICE, params={'maxResults': 51}).json()
    assert projects['meta']['pageInfo']['resultCount'] == 23


def test_paging_rejects_negative_start(emulator):
    response = emulator.jama('GET', '/rest/v1/projects', auth=SERVICE, params={'startAt': -1})
    assert response.status_code == 400
    assert response.json()['meta']['status'] == 'Bad Request'


def test_users_filter_by_username(emulator):
    body = emulator.jama('GET', '/rest/v1/users', auth=SERVICE, params={'username': 'floating_user'}).json()
    assert [user['id'] for user in body['data']] == [4]
    assert body['meta']['pageInfo']['totalResults'] == 1
