from helpers import SERVICE


def test_more_than_ten_calls_in_a_second_get_429(emulator):
    emulator.admin('PUT', '/ratelimit', {'perSecond': 10})
    responses = [emulator.jama('GET', '/rest/v1/users/current', auth=SERVICE) for _attempt in range(14)]
    assert [response.status_code for response in responses[:10]] == [200] * 10
    refused = [response for response in responses[10:] if response.status_code == 429]
    assert refused, 'no 429 after ten calls'
    assert refused[0].json()['meta']['status'] == 'Too Many Requests'
    # [DOC] No Retry-After is documented, so none is sent.
    assert 'Retry-After' not in refused[0].headers


def test_jci_is_not_rate_limited(emulator):
    emulator.admin('PUT', '/ratelimit', {'perSecond': 10})
    statuses = {emulator.jci('GET', '/api/v1/connectors').status_code for _attempt in range(14)}
    assert statuses == {200}


def test_rate_limit_zero_turns_it_off(emulator):
    statuses = {emulator.jama('GET', '/rest').status_code for _attempt in range(20)}
    assert statuses == {200}
