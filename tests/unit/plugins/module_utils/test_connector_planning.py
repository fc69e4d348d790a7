from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.module_utils.connectors import (
    MASK, check_desired, connector_view, diff_view, failure_hint)
from ansible_collections.jama.connect.plugins.module_utils.connectors import planned_changes

URL = 'https://jama.example.com'
STORED = {'id': 2, 'name': 'Jama', 'url': URL, 'verifySsl': True, 'authenticationType': 'oauth',
          'clientId': 'id-1', 'clientSecretSet': True, 'username': None, 'passwordSet': False}


def params(**overrides):
    base = {'name': 'Jama', 'url': URL, 'verify_ssl': True, 'authentication_type': 'oauth', 'client_id': 'id-1',
            'client_secret': 'secret-1', 'username': None, 'password': None, 'secret_update': 'on_identity_change'}
    base.update(overrides)
    return base


def test_same_client_id_sends_nothing():
    assert planned_changes(params(client_secret='another'), STORED) == ({}, False)


def test_new_client_id_sends_its_secret():
    changes, send = planned_changes(params(client_id='id-2', client_secret='secret-2'), STORED)
    assert send and changes == {'clientId': 'id-2', 'clientSecret': 'secret-2'}


def test_always_sends_the_secret():
    changes, send = planned_changes(params(secret_update='always'), STORED)
    assert send and changes == {'clientId': 'id-1', 'clientSecret': 'secret-1'}


def test_missing_stored_secret_is_sent():
    changes, send = planned_changes(params(), dict(STORED, clientSecretSet=False))
    assert send and changes['clientSecret'] == 'secret-1'


def test_basic_to_oauth_switch_is_one_update_with_id_and_secret():
    basic = dict(STORED, authenticationType='basic', clientId=None, clientSecretSet=False, username='svc',
                 passwordSet=True)
    changes, send = planned_changes(params(), basic)
    assert send
    assert changes == {'authenticationType': 'oauth', 'clientId': 'id-1', 'clientSecret': 'secret-1'}


def test_basic_password_follows_the_username():
    basic = dict(STORED, authenticationType='basic', clientId=None, clientSecretSet=False, username='svc',
                 passwordSet=True)
    same = params(authentication_type='basic', client_id=None, client_secret=None, username='svc', password='p')
    assert planned_changes(same, basic) == ({}, False)
    changes, send = planned_changes(dict(same, username='svc2'), basic)
    assert send and changes == {'username': 'svc2', 'password': 'p'}


def test_url_change_alone_sends_no_secret():
    changes, send = planned_changes(params(url='https://other.example.com'), STORED)
    assert not send and changes == {'url': 'https://other.example.com'}


def test_diff_masks_secrets():
    view = connector_view(STORED)
    assert diff_view(view)['client_secret'] == MASK
    assert diff_view(view, secret_sent=True)['client_secret'] == '(new value)'
    assert 'secret-1' not in str(diff_view(view, True))


@pytest.mark.parametrize('overrides, message', [
    ({'url': None}, 'url is required'),
    ({'url': 'jama.example.com'}, 'absolute http(s) URL'),
    ({'client_secret': None}, 'needs client_id and client_secret'),
    ({'username': 'svc'}, 'belong to authentication_type=basic'),
    ({'authentication_type': 'basic', 'client_id': None, 'client_secret': None, 'username': 'svc'},
     'needs username and password'),
])
def test_bad_input_names_the_option(overrides, message):
    with pytest.raises(errors.ConfigurationError, match=message.replace('(', r'\(').replace(')', r'\)')):
        check_desired(params(**overrides))


@pytest.mark.parametrize('category, message, hint_part', [
    ('authentication', 'Bad client credentials', 'does not belong to the client ID'),
    ('authentication', 'The account jci_service is locked until x', 'unlock'),
    ('authentication', 'REST API access requires a Named Creator license', 'Named Creator'),
    ('authentication', 'The user x is not permitted to use the REST API', 'Admin > Organization > REST API'),
    ('tls', 'TLS verification failed for https://x', 'trust store'),
    ('connection', 'Jama Connect at https://x is unreachable', 'cannot reach Jama'),
])
def test_each_failed_test_gets_its_fix(category, message, hint_part):
    assert hint_part in failure_hint({'category': category, 'message': message})
