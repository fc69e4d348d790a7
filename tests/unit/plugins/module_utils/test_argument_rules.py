"""Every argument rule of the connection options, each with a test that fails if the rule is misspelled."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.jama.connect.plugins.module_utils import errors
from ansible_collections.jama.connect.plugins.module_utils.connection import (
    JAMA_OPTIONS, jama_argument_spec, jci_argument_spec, resolve_jama, resolve_jci, resolve_controller)

URL = 'https://jama.example.com'


def build(spec, args, monkeypatch):
    """Instantiate AnsibleModule with ``args``; returns (params, None) or (None, failure message)."""
    try:
        from ansible.module_utils.testing import patch_module_args  # ansible-core 2.19+
    except ImportError:
        patch_module_args = None
    failure = {}

    def fail_json(self, **kwargs):
        failure.update(kwargs)
        raise SystemExit(1)

    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)
    try:
        if patch_module_args is not None:
            with patch_module_args(args):
                module = basic.AnsibleModule(argument_spec=spec)
        else:
            monkeypatch.setattr(basic, '_ANSIBLE_ARGS', to_bytes(json.dumps({'ANSIBLE_MODULE_ARGS': args})))
            module = basic.AnsibleModule(argument_spec=spec)
    except SystemExit:
        return None, failure['msg']
    return module.params, None


@pytest.fixture(autouse=True)
def no_connection_environment(monkeypatch):
    for _kind, _no_log, env, _default in JAMA_OPTIONS.values():
        monkeypatch.delenv(env, raising=False)


def resolved(options=None, environ=None, require_auth=True):
    return resolve_jama({'jama': options}, require_auth=require_auth, environ=environ or {})


def refused(options=None, environ=None):
    with pytest.raises(errors.ConfigurationError) as raised:
        resolved(options, environ)
    return raised.value.message


def test_username_and_password_are_required_together():
    assert 'jama.username needs jama.password as well' in refused({'url': URL, 'username': 'u'})


def test_client_id_and_secret_are_required_together():
    assert 'jama.client_secret needs jama.client_id as well' in refused({'url': URL, 'client_secret': 's'})


@pytest.mark.parametrize('auth', [
    {'username': 'u', 'password': 'p', 'client_id': 'c', 'client_secret': 's'},
    {'username': 'u', 'password': 'p', 'token': 't'},
    {'client_id': 'c', 'client_secret': 's', 'token': 't'},
])
def test_only_one_way_to_authenticate_from_one_source(auth):
    assert 'the task gives more than one way to authenticate' in refused(dict(auth, url=URL))


def test_some_way_to_authenticate_is_required():
    message = refused({'url': URL})
    assert 'no way to authenticate' in message and 'JAMA_CLIENT_ID and JAMA_CLIENT_SECRET' in message


def test_the_environment_fills_the_whole_option():
    options = resolved(None, {'JAMA_URL': URL, 'JAMA_CLIENT_ID': 'cid', 'JAMA_CLIENT_SECRET': 'csecret',
                              'JAMA_TIMEOUT': '7', 'JAMA_VALIDATE_CERTS': 'false'})
    found = (options['url'], options['client_id'], options['timeout'], options['validate_certs'])
    assert found == (URL, 'cid', 7, False)


def test_explicit_client_credentials_win_over_a_username_in_the_environment():
    # The AWX/AAP case: a credential injects JAMA_USERNAME/JAMA_PASSWORD into every job.
    options = resolved({'url': URL, 'client_id': 'cid', 'client_secret': 'cs'},
                       {'JAMA_USERNAME': 'admin', 'JAMA_PASSWORD': 'pw', 'JAMA_TOKEN': 't'})
    assert options['client_id'] == 'cid' and options['username'] is None and options['token'] is None


def test_the_environment_fills_only_what_the_task_left_out():
    options = resolved({'username': 'u', 'password': 'p'}, {'JAMA_URL': URL, 'JAMA_USERNAME': 'other',
                                                            'JAMA_CA_PATH': '/etc/ca.pem', 'JAMA_TIMEOUT': '9'})
    assert (options['url'], options['username'], options['ca_path'], options['timeout']) == (URL, 'u', '/etc/ca.pem',
                                                                                             9)


def test_a_task_value_beats_the_environment_and_defaults_come_last():
    options = resolved({'url': URL, 'token': 't', 'timeout': 5}, {'JAMA_TIMEOUT': '9', 'JAMA_URL': 'https://x'})
    assert (options['url'], options['timeout'], options['validate_certs'], options['retry_after_max']) == (
        URL, 5, True, 60)


def test_an_environment_with_two_ways_to_authenticate_is_refused():
    message = refused({'url': URL}, {'JAMA_USERNAME': 'u', 'JAMA_PASSWORD': 'p', 'JAMA_CLIENT_ID': 'c',
                                     'JAMA_CLIENT_SECRET': 's'})
    assert 'the environment gives more than one way to authenticate' in message


def test_a_half_method_in_the_environment_is_named():
    assert 'jama.username needs jama.password as well' in refused({'url': URL}, {'JAMA_USERNAME': 'u'})


def test_bad_environment_values_are_named():
    assert "JAMA_TIMEOUT must be a whole number, got 'soon'" in refused({'url': URL, 'token': 't'},
                                                                        {'JAMA_TIMEOUT': 'soon'})


def test_jci_username_and_password_are_required_together():
    with pytest.raises(errors.ConfigurationError) as raised:
        resolve_jci({'jci': {'url': URL, 'username': 'admin'}}, environ={})
    assert 'jci.username needs jci.password as well' in raised.value.message


def test_module_defaults_stand_for_the_task_and_the_whole_dict_wins(monkeypatch):
    # Ansible merges module_defaults into the task's arguments before the module runs: a dict from
    # module_defaults arrives exactly as a task argument would, so the same rule applies to it.
    params, error = build(jama_argument_spec(), {'jama': {'url': URL, 'client_id': 'c', 'client_secret': 's'}},
                          monkeypatch)
    assert error is None
    monkeypatch.setenv('JAMA_USERNAME', 'admin')
    monkeypatch.setenv('JAMA_PASSWORD', 'pw')
    options = resolve_jama(params)
    assert options['client_id'] == 'c' and options['username'] is None


def test_secrets_are_no_log():
    options = jama_argument_spec()['jama']['options']
    secret_options = {name for name, option in options.items() if option.get('no_log')}
    assert secret_options == {'password', 'client_secret', 'token'}
    assert jci_argument_spec()['jci']['options']['password']['no_log'] is True


@pytest.mark.parametrize('url, fragment', [
    ('', 'jama.url is required: set it, or the environment variable JAMA_URL'),
    ('jama.example.com', 'absolute http(s) URL'),
    ('ftp://jama.example.com', 'absolute http(s) URL'),
    ('https://', 'absolute http(s) URL'),
    ('https:///rest', 'absolute http(s) URL'),
    ('https://admin:hunter2@jama.example.com', 'must not hold a user name or password'),
])
def test_one_url_rule_for_every_url_and_userinfo_is_never_echoed(url, fragment):
    from ansible_collections.jama.connect.plugins.module_utils.connection import check_url
    from ansible_collections.jama.connect.plugins.module_utils import errors
    with pytest.raises(errors.ConfigurationError) as raised:
        check_url(url, 'jama.url', 'JAMA_URL')
    assert fragment in raised.value.message
    assert 'hunter2' not in raised.value.message


def test_the_controller_connection_takes_what_the_platform_credential_injects():
    # The variables of the controller's own "Red Hat Ansible Automation Platform" credential type.
    env = {'CONTROLLER_HOST': 'https://controller.example.com', 'CONTROLLER_USERNAME': 'admin',
           'CONTROLLER_PASSWORD': 'pw-1', 'CONTROLLER_VERIFY_SSL': 'false'}
    resolved = resolve_controller({'controller': None}, environ=env)
    assert (resolved['url'], resolved['username'], resolved['password']) == ('https://controller.example.com', 'admin', 'pw-1')
    assert resolved['validate_certs'] is False and resolved['api_path'] == '/api/v2/'
    # An explicit token wins over the injected user name and password, as for Jama.
    explicit = resolve_controller({'controller': {'token': 'tok-1'}}, environ=env)
    assert explicit['token'] == 'tok-1' and explicit.get('username') is None
    with pytest.raises(errors.ConfigurationError) as raised:
        resolve_controller({'controller': {'url': 'https://c'}}, environ={})
    assert 'CONTROLLER_OAUTH_TOKEN' in raised.value.message
    # A platform credential holding a password and a token: the token is used, as awx.awx does.
    both = resolve_controller({'controller': None}, environ=dict(env, CONTROLLER_OAUTH_TOKEN='tok-2'))
    assert both['token'] == 'tok-2' and both.get('username') is None and both.get('password') is None
