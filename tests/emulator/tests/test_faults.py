import threading
import time

import pytest
import requests

from jamaemu.accounts import JCI_ADMIN

from helpers import SERVICE, bearer, create_credential, token


def test_status_fault_fails_the_next_n_calls_then_clears(emulator):
    emulator.fault(kind='status', system='jama', operation='getCurrentUser', status=503, count=2)
    statuses = [emulator.jama('GET', '/rest/v1/users/current', auth=SERVICE).status_code for _attempt in range(3)]
    assert statuses == [503, 503, 200]
    assert emulator.admin('GET', '/faults') == []


def test_status_fault_only_hits_its_operation(emulator):
    emulator.fault(kind='status', system='jama', operation='getProjects', status=500, count=1)
    assert emulator.jama('GET', '/rest/v1/users/current', auth=SERVICE).status_code == 200
    assert emulator.jama('GET', '/rest/v1/projects', auth=SERVICE).status_code == 500


def test_status_fault_can_send_retry_after(emulator):
    emulator.fault(kind='status', system='jama', status=429, count=1, retry_after=2)
    response = emulator.jama('GET', '/rest')
    assert response.status_code == 429 and response.headers['Retry-After'] == '2'


def test_latency_fault_delays_the_answer(emulator):
    emulator.fault(kind='latency', system='jci', ms=300, count=1)
    started = time.monotonic()
    assert emulator.jci('GET', '/api/v1/connectors').status_code == 200
    assert time.monotonic() - started >= 0.3


def test_drop_fault_closes_the_connection_without_an_answer(emulator):
    emulator.fault(kind='drop', system='jama', operation='getCurrentUser', count=1)
    with pytest.raises(requests.exceptions.ConnectionError):
        emulator.jama('GET', '/rest/v1/users/current', auth=SERVICE)
    assert emulator.jama('GET', '/rest/v1/users/current', auth=SERVICE).status_code == 200


def test_drop_after_fault_loses_the_answer_of_a_call_that_ran(emulator):
    emulator.fault(kind='drop', system='jama', operation='createMyApiCredential', count=1, when='after')
    with pytest.raises(requests.exceptions.ConnectionError):
        emulator.jama('POST', '/rest/v1/users/current/apicredentials', auth=SERVICE, json={'name': 'lost'})
    listed = emulator.jama('GET', '/rest/v1/users/current/apicredentials', auth=SERVICE).json()['data']
    assert [cred['name'] for cred in listed] == ['lost']


def test_status_after_fault_answers_an_error_for_a_call_that_ran(emulator):
    emulator.fault(kind='status', system='jama', operation='createMyApiCredential', status=502, count=1, when='after')
    response = emulator.jama('POST', '/rest/v1/users/current/apicredentials', auth=SERVICE, json={'name': 'ran'})
    assert response.status_code == 502
    listed = emulator.jama('GET', '/rest/v1/users/current/apicredentials', auth=SERVICE).json()['data']
    assert [cred['name'] for cred in listed] == ['ran']


def test_skip_lets_the_first_matching_calls_through(emulator):
    emulator.fault(kind='status', system='jama', operation='getCurrentUser', status=500, count=1, skip=2)
    statuses = [emulator.jama('GET', '/rest/v1/users/current', auth=SERVICE).status_code for _attempt in range(4)]
    assert statuses == [200, 200, 500, 200]


def test_before_fault_leaves_the_state_untouched(emulator):
    emulator.fault(kind='drop', system='jama', operation='createMyApiCredential', count=1)
    with pytest.raises(requests.exceptions.ConnectionError):
        emulator.jama('POST', '/rest/v1/users/current/apicredentials', auth=SERVICE, json={'name': 'never'})
    assert emulator.jama('GET', '/rest/v1/users/current/apicredentials', auth=SERVICE).json()['data'] == []


def test_expire_tokens_invalidates_every_token(emulator):
    cred = create_credential(emulator)
    access = token(emulator, cred['clientId'], cred['clientSecret']).json()['access_token']
    emulator.admin('POST', '/tokens/expire')
    assert emulator.jama('GET', '/rest/v1/users/current', headers=bearer(access)).status_code == 401


def test_lock_user_refuses_the_right_password(emulator):
    emulator.admin('POST', '/users/jci_service/lock')
    response = emulator.jama('GET', '/rest/v1/users/current', auth=SERVICE)
    assert response.status_code == 401 and 'locked' in response.json()['meta']['message']
    emulator.admin('POST', '/users/jci_service/unlock')
    assert emulator.jama('GET', '/rest/v1/users/current', auth=SERVICE).status_code == 200


@pytest.mark.parametrize('spec', [
    {'kind': 'explode'},
    {'kind': 'status', 'status': 200},
    {'kind': 'latency', 'ms': -1},
    {'kind': 'drop', 'count': 0},
    {'kind': 'drop', 'system': 'mars'},
    {'kind': 'drop', 'when': 'during'},
    {'kind': 'drop', 'skip': -1},
])
def test_invalid_fault_specs_are_refused(emulator, spec):
    response = emulator.session.post(emulator.admin_url + '/faults', json=spec, timeout=5)
    assert response.status_code == 400
    assert emulator.admin('GET', '/faults') == []


def test_barrier_holds_calls_until_all_parties_arrived(emulator):
    emulator.fault(kind='barrier', system='jci', parties=2, ms=10000)
    answered = []

    def call():
        # Each thread its own connection (a requests.Session is not shared between threads here).
        requests.get(emulator.jci_url + '/api/v1/connectors', auth=JCI_ADMIN, verify=emulator.ca_file, timeout=20)
        answered.append(time.monotonic())

    first = threading.Thread(target=call)
    first.start()
    first.join(0.5)
    assert not answered, 'the first call went on before the second arrived'
    call()  # the second party releases both
    first.join(5)
    assert len(answered) == 2 and abs(answered[1] - answered[0]) < 1
    assert emulator.admin('GET', '/faults') == []
    # Spent: the next call is not held.
    started = time.monotonic()
    assert emulator.jci('GET', '/api/v1/connectors').status_code == 200
    assert time.monotonic() - started < 1


def test_barrier_lets_a_lone_call_go_on_after_its_wait(emulator):
    emulator.fault(kind='barrier', system='jci', parties=2, ms=300)
    started = time.monotonic()
    assert emulator.jci('GET', '/api/v1/connectors').status_code == 200
    assert time.monotonic() - started >= 0.3


@pytest.mark.parametrize('spec', [{'parties': 1}, {'parties': 'two'}, {'parties': 17}, {'parties': True},
                                  {'parties': 2, 'ms': -1}])
def test_barrier_refuses_bad_parties_or_wait(emulator, spec):
    response = emulator.session.post(emulator.admin_url + '/faults', timeout=10,
                                     json=dict(dict(kind='barrier', system='jci', ms=100), **spec))
    assert response.status_code == 400
