"""The controller client: paths under the configured API path (AWX's /api/v2/ or the gateway's
/api/controller/v2/), paging by following "next", and AWX's error shapes in messages."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.module_utils.controller_client import ControllerClient
from ansible_collections.jama.connect.plugins.module_utils.http_session import server_message


class FakeSession:
    def __init__(self, pages):
        self.pages = pages
        self.calls = []

    def request(self, method, path, params=None, **_kwargs):
        self.calls.append((method, path, params))
        return self.pages.pop(0)


@pytest.mark.parametrize('api_path, expected', [('/api/v2/', '/api/v2/credentials/'),
                                                ('api/controller/v2', '/api/controller/v2/credentials/')])
def test_lists_go_under_the_api_path_and_follow_next(api_path, expected):
    session = FakeSession([{'count': 3, 'next': expected + '?name=x&page=2', 'results': [{'id': 1}, {'id': 2}]},
                           {'count': 3, 'next': None, 'results': [{'id': 3}]}])
    found = ControllerClient(session, api_path).paged('credentials', {'name': 'x'})
    assert [item['id'] for item in found] == [1, 2, 3]
    assert session.calls == [('GET', expected, {'name': 'x', 'page_size': 200}),
                             ('GET', expected + '?name=x&page=2', None)]


def test_more_than_one_match_is_an_error_not_a_guess():
    session = FakeSession([{'count': 2, 'next': None, 'results': [{'id': 1}, {'id': 2}]}])
    with pytest.raises(errors.ApiError) as raised:
        ControllerClient(session).credential('prod', 5, 1)
    assert '2 credentials match' in raised.value.message


def test_a_server_whose_next_never_ends_is_stopped():
    session = FakeSession([{'next': '/api/v2/credentials/?page=%d' % n, 'results': []} for n in range(2, 200)])
    with pytest.raises(errors.ApiError) as raised:
        ControllerClient(session).paged('credentials')
    assert 'more than 100 pages' in raised.value.message


class FakeResponse:
    def __init__(self, body):
        self.body = body

    def json(self):
        return self.body


@pytest.mark.parametrize('body, expected', [
    ({'detail': 'Invalid username/password.'}, 'Invalid username/password.'),
    ({'name': ['This field is required.']}, 'name: This field is required.'),
    ({'inputs': {'client_id': ['required for Jama Connect OAuth client']}},
     'inputs: client_id: required for Jama Connect OAuth client'),
    ({'meta': {'message': 'Bad credentials'}}, 'Bad credentials'),
])
def test_awx_error_shapes_become_messages(body, expected):
    assert server_message(FakeResponse(body), field_errors=True) == expected


def test_field_errors_only_for_the_controller_and_never_a_secret_fields_text():
    echoed = {'clientSecret': ['s3cr3t-value is not valid'], 'name': ['too long']}
    assert server_message(FakeResponse(echoed)) is None
    message = server_message(FakeResponse({'inputs': {'client_secret': ["'s3cr3t-value' is not of type 'string'"]}}),
                             field_errors=True)
    assert 's3cr3t-value' not in message and 'client_secret' in message


class FakeErrorResponse(FakeResponse):
    def __init__(self, status, body):
        super(FakeErrorResponse, self).__init__(body)
        self.status_code = status
        self.reason = 'Unauthorized'
        self.url = 'https://controller.example.com/api/v2/credential_types/'
        self.content = b'x'

        class Request(object):
            method = 'GET'
        self.request = Request()


def test_a_refused_controller_login_names_the_controller_options_not_jamas():
    from ansible_collections.jama.connect.plugins.module_utils.connection import controller_session
    session = controller_session({'controller': {'url': 'https://controller.example.com', 'token': 'wrong-token'}})
    with pytest.raises(errors.AuthenticationError) as raised:
        session.parse(FakeErrorResponse(401, {'detail': 'Authentication credentials were not provided.'}), (200,))
    assert 'controller.token' in raised.value.hint and 'CONTROLLER_OAUTH_TOKEN' in raised.value.hint
    assert 'client id' not in raised.value.hint
    assert 'CONTROLLER_CA_PATH' in session.hints['tls']
    session.close()
